"""Key projects (重点项目): a project is a goal item with milestones and an investment indicator; this app holds what a project adds."""
