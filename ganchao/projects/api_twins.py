"""Each page action of 重点项目 and its API twin."""

from ganchao.projects.views import API_TWINS

PAGE_API_TWINS = dict(API_TWINS)
