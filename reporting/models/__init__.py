"""The reporting app's models, one module a subject: submissions, export jobs and the
accountability actions (问责). Django finds them all through this package."""

from .accountability import AccountabilityAction, AccountabilityKind, NoticeUploadTo
from .exports import ExportJob, ExportJobQuerySet, PrivateExportStorage, export_storage
from .submissions import Submission, SubmissionQuerySet

__all__ = [
    "AccountabilityAction",
    "AccountabilityKind",
    "ExportJob",
    "ExportJobQuerySet",
    "NoticeUploadTo",
    "PrivateExportStorage",
    "Submission",
    "SubmissionQuerySet",
    "export_storage",
]
