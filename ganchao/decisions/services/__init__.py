"""The decision services (writes), by procedure. Each slice's module re-exports here."""

from ganchao.decisions.services.advisers import (  # noqa: F401
    adviser_opinion_adopt,
    adviser_opinion_record,
    legal_adviser_create,
    legal_adviser_end,
    legal_adviser_update,
)
from ganchao.decisions.services.base import require  # noqa: F401
from ganchao.decisions.services.catalogue import (  # noqa: F401
    catalogue_approve,
    catalogue_create,
    catalogue_item_add,
    catalogue_item_remove,
    catalogue_item_update,
    catalogue_publish,
    decision_settings_update,
)
from ganchao.decisions.services.core import (  # noqa: F401
    decision_launch,
    decision_propose,
    decision_update,
    draft_add,
    participation_exempt,
    undertakers_set,
)
from ganchao.decisions.services.experts import (  # noqa: F401
    expert_add,
    expert_assign,
    expert_opinion_add,
    expert_opinion_adopt,
    expert_pool_create,
    expert_update,
    fair_review_add,
    risk_assessment_add,
)
from ganchao.decisions.services.files import decision_file_add, decision_file_open  # noqa: F401
from ganchao.decisions.services.meeting import (  # noqa: F401
    agenda_add,
    head_decide,
    meeting_create,
    meeting_sign_off,
    packet_build,
    position_record,
)
from ganchao.decisions.services.participation import (  # noqa: F401
    adoption_report_generate,
    comment_moderate,
    comments_moderate,
    consultation_close,
    consultation_create,
    consultation_publish,
    hearing_close,
    hearing_confirm,
    hearing_create,
    hearing_participants_publish,
    hearing_selection_publish,
    opinion_add,
    opinion_handle,
    participant_add,
    participant_refusal_record,
    participant_served,
    participant_signed_record_add,
)
