"""The enforcement services (writes), by slice. Each slice's module re-exports here."""

from ganchao.enforcement.services.base import require  # noqa: F401
from ganchao.enforcement.services.core import (  # noqa: F401
    case_close,
    case_investigate,
    case_open,
    case_reinvestigate,
    case_submit_review,
    case_update,
    case_withdraw,
    record_add,
)
from ganchao.enforcement.services.directory import (  # noqa: F401
    agency_create,
    agency_update,
    av_policy_set,
    matter_create,
    matter_publish,
    matter_repeal,
    matter_revise,
    matter_update,
    officer_create,
    officer_deactivate,
    officer_update,
    settings_update,
)
from ganchao.enforcement.services.disclosure import (  # noqa: F401
    exemption_request,
    exemption_review,
    outcome_record,
    publication_publish,
    publication_task_for_decision,
    withdrawal_complete,
)
from ganchao.enforcement.services.document import (  # noqa: F401
    decision_document_open,
    decision_draft_update,
    decision_issue,
    document_template_reset,
    document_template_upload,
)
from ganchao.enforcement.services.oversight import (  # noqa: F401
    annual_report_publish,
    complaint_close,
    complaint_create,
    inspection_create,
)
from ganchao.enforcement.services.procedure import (  # noqa: F401
    decide,
    delivery_record,
    execution_record,
    hearing_hold,
    hearing_schedule,
    notice_serve,
    preservation_resolve,
    rectification_verify,
    statement_record,
)
from ganchao.enforcement.services.records import (  # noqa: F401
    action_complete,
    action_create,
    action_end,
    case_file_open,
    case_file_store,
    gap_explain,
    upload_chunk,
    upload_complete,
    upload_start,
    upload_status,
)
from ganchao.enforcement.services.review import (  # noqa: F401
    case_flag_major,
    collective_record,
    review_assign,
    review_conclude,
    review_extend,
    review_submit,
)
