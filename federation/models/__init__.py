"""All models, imported here so that Alembic and the app see one metadata."""
from federation.models.asset import (AssetKind, AssetPhoto, AssetRequest, AssetStatus, ChannelType,
                                     ContentType, RequestStatus, SharedAsset)
from federation.models.base import Base, utcnow
from federation.models.group import (AlumniGroup, CompanyHope, GovernanceType, GroupMemberCount,
                                     GroupNeed, GroupOperator, NeedPair, Platform, RevenueModel)
from federation.models.application import (CRITERIA, ApplicationEvent, ApplicationStatus,
                                           Audience, CriterionOverride, EventKind,
                                           GroupEndorsement, Involvement, MembershipScope,
                                           OperatorApplication, Purpose, ScreeningSetting,
                                           SettingChange, Verdict)
from federation.models.directory import (AbuseReport, AlumniInvitation, DigestLog,
                                         DirectoryBlock, DirectoryProfile, GroupMembership,
                                         Introduction, IntroductionStatus, ProfileNeed,
                                         SearchToken, Side, Visibility)
from federation.models.event import (CalendarFeed, EventAudience, EventFormat, EventHost,
                                     EventRegistration, EventSpeaker, EventStatus, HostStatus,
                                     JointEvent, RegistrationStatus)
from federation.models.conference import (ConferenceEdition, ConferenceRegistration,
                                          ConferenceReviewer, ConferenceSession, Nomination,
                                          Proposal, ProposalFormat, ProposalSpeaker,
                                          ProposalStatus, Review, SessionSignup)
from federation.models.mail import MailStatus, OutboxMail
from federation.models.audit import PersonalDataRead, ReadKind
from federation.models.membership import (JoinApprover, JoinDigestLog, JoinRequest,
                                          JoinRequestStatus, JoinSettings)
from federation.models.notification import (Delivery, MailState, Notification,
                                            NotificationPreference, OutboxAttachment)
from federation.models.knowledge import (Article, ArticleAttachment, ArticleVersion,
                                         ArticleVisibility, Consultation, ConsultationReply,
                                         ConsultationSession, ConsultationSpace,
                                         ConsultationStatus, KnowledgeCategory, KnowledgeDocument,
                                         KnowledgeHelper, KnowledgeToken, PracticeMembership,
                                         SessionStatus, TextbookChapter, TextbookEntry)
from federation.models.health import (GroupHealthProfile, HealthSnapshot, IntroductionOutcome,
                                      OutcomeKind)
from federation.models.user import ApiToken, LoginSession, OneTimeToken, Role, TokenPurpose, User

__all__ = [
    "ConferenceEdition", "ConferenceRegistration", "ConferenceReviewer", "ConferenceSession",
    "Nomination", "Proposal", "ProposalFormat", "ProposalSpeaker", "ProposalStatus", "Review",
    "SessionSignup",
    "AbuseReport", "AlumniInvitation", "DigestLog", "DirectoryBlock", "DirectoryProfile",
    "GroupMembership", "Introduction", "IntroductionStatus", "ProfileNeed", "SearchToken",
    "Side", "Visibility",
    "CalendarFeed", "EventAudience", "EventFormat", "EventHost", "EventRegistration",
    "EventSpeaker", "EventStatus", "HostStatus", "JointEvent", "RegistrationStatus",
    "AssetKind", "AssetPhoto", "AssetRequest", "AssetStatus", "ChannelType", "CompanyHope",
    "ContentType", "GroupMemberCount", "GroupNeed", "NeedPair", "Platform", "RequestStatus",
    "RevenueModel", "SharedAsset",
    "CRITERIA", "ApplicationEvent", "ApplicationStatus", "Audience", "CriterionOverride",
    "EventKind", "GroupEndorsement", "Involvement", "MembershipScope", "OperatorApplication",
    "Purpose", "ScreeningSetting", "SettingChange", "Verdict",
    "AlumniGroup", "ApiToken", "Base", "GovernanceType", "GroupOperator", "LoginSession",
    "Article", "ArticleAttachment", "ArticleVersion", "ArticleVisibility", "Consultation",
    "ConsultationReply", "ConsultationSession", "ConsultationSpace", "ConsultationStatus",
    "KnowledgeCategory", "KnowledgeDocument", "KnowledgeHelper", "KnowledgeToken",
    "PracticeMembership", "SessionStatus", "TextbookChapter", "TextbookEntry",
    "GroupHealthProfile", "HealthSnapshot", "IntroductionOutcome", "OutcomeKind",
    "MailStatus", "OneTimeToken", "OutboxMail", "Role", "TokenPurpose", "User", "utcnow",
    "PersonalDataRead", "ReadKind",
    "JoinApprover", "JoinDigestLog", "JoinRequest", "JoinRequestStatus", "JoinSettings",
]
__all__ += ["Delivery", "MailState", "Notification", "NotificationPreference", "OutboxAttachment"]
from federation.models.imports import ImportMapping  # noqa: E402

__all__ += ["ImportMapping"]
