"""Field limits, declared once: the column size (String(N)), the form's
max_length and the API schema's Length(max=) of a field all read the same
constant here, so a form or the API never accepts what the database cannot
store, and the three cannot drift apart. Lengths count characters."""

from __future__ import annotations

from federation.text import SORT_KEY_LENGTH

# Instants and months outside these years are refused (forms, API, URL
# filters): they overflow when converted to UTC near the ends of Python's
# calendar, and nothing of ours lives there.
YEAR_MIN, YEAR_MAX = 1900, 2200

# People and accounts
EMAIL = 254
PERSON_NAME = 80
PERSON_FULL_NAME = 120
PERSON_FULL_NAME_KANA = 160
PASSWORD = 256
TOKEN_NAME = 80
TOKEN_HASH = 64
LOCALE = 5
SORT_KEY = SORT_KEY_LENGTH  # the widest stored ICU sort key (federation.text)
ORGANISATION = 120
PROFILE_TITLE = 120
TOPICS = 500
NEED_DETAIL = 200  # a directory profile's line on an offer or an ask

# Groups and applications
GROUP_NAME = 120
GROUP_NAME_KANA = 160
GROUP_SLUG = 64
COMPANY_NAME = 120
RETIREE_CLUB = 120
GROUP_LIAISON_DEPARTMENT = 120
APPLICATION_LIAISON_DEPARTMENT = 160
DESCRIPTION = 5000
CONFIRMER_NAME = 160
PLATFORMS = 2000
ROLE_DESCRIPTION = 4000
CRITERION = 32
KEY = 40
# The API's cap on the registry's long texts (Text columns: eligibility rule,
# endorsement, descriptions, equipment, house rules, speaker bio).
REGISTRY_TEXT = 20000

# Assets
ASSET_TITLE = 160
ADDRESS = 255
AREA = 80
ASSET_AUDIENCE = 255
FEE_NOTE = 255
LANGUAGES = 120
SPEAKER_TITLE = 160

# Events, conferences and knowledge
TITLE = 200
EVENT_DESCRIPTION = 20000
PLACE = 255
URL = 500
ROOM = 80
TRACK = 80
ABSTRACT = 5000
ARTICLE_BODY = 50000
CONSULTATION_BODY = 10000
VERSION_NOTE = 200
TOPIC = 40

# Messages and notes
MESSAGE = 3000
SHORT_MESSAGE = 2000
DECISION_MESSAGE = 8000
REVIEW_NOTE = 4000
MAIL_SUBJECT = 255
NOTIFICATION_KIND = 60
JOIN_ANSWER = 1000  # one answer of a join request
OUTCOME_NOTE = 1000  # the line on an introduction's outcome

# Search
SEARCH_QUERY = 100
SEARCH_TOKEN = 64
SEARCH_AUDIENCE = 20

# Notifications: the badge and the inbox count the unread up to this many,
# then say "99+" (a count of thousands was most of every page's sign-in).
UNREAD_COUNTED = 99
