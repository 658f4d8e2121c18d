"""Every code the records use, in words: the label readers see and a one-line definition.

Pages, the glossary and the exports meant for people (the TimelineJS timeline, the feed) show
`label(...)`; the data exports meant for programs (JSON, CSV, GeoJSON) keep the codes. Each
vocabulary is declared with the model's `Literal` type it words, so a code added to the model
without words here fails `tests/test_words.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, get_args

from .derive import CorrectionKind, Revision
from .model import (
    ActorKind,
    ClaimKind,
    ControlHow,
    CoordinatePrecision,
    EventKind,
    PartOfDay,
    PlaceKind,
    Precision,
    Qualifier,
    QuoteKind,
    SourceKind,
    Status,
)


@dataclass(frozen=True)
class Term:
    """A code in words: its label, as it reads inside a sentence, and what it means."""

    label: str
    definition: str


@dataclass(frozen=True)
class Vocabulary:
    """The words for one of the model's sets of codes, and its section of the glossary."""

    name: str
    """The key `label` takes, and the start of each term's anchor on the glossary (`status-confirmed`)."""
    title: str
    about: str
    words: tuple[Any, ...]
    """The model's `Literal` types whose codes this vocabulary words."""
    terms: dict[str, Term]
    in_glossary: bool = True

    @property
    def codes(self) -> tuple[str, ...]:
        """Every code the model allows here, in the model's order."""
        return tuple(dict.fromkeys(code for kind in self.words for code in get_args(kind)))


VOCABULARIES = (
    Vocabulary(
        "status", "Statuses",
        "How far something on record is established, and by whom. Every status badge on the site links here.",
        (Status,),
        {
            "confirmed": Term("confirmed", "Independent sources, or the parties concerned, confirm it."),
            "reported": Term("reported", "Credible sources report it, but it is not confirmed."),
            "claimed": Term("claimed", "One party says so, and no one independent has confirmed it."),
            "unverified": Term("unverified", "It circulates, but nobody credible stands behind it yet."),
            "disputed": Term("disputed", "The parties disagree about it."),
            "denied": Term("denied", "The party concerned says it did not happen."),
            "retracted": Term("retracted", "The source that reported it has withdrawn it."),
        },
    ),
    Vocabulary(
        "control", "Changes of control",
        "How a place passed from one side to another, or stayed with the side that held it. Each change has a"
        " status of its own.",
        (ControlHow,),
        {
            "captured": Term("captured", "Taken by force."),
            "handed-over": Term("handed over", "Passed to another side by agreement, not taken by force."),
            "surrendered": Term("surrendered", "Its defenders gave themselves up to the other side."),
            "withdrawn": Term("vacated", "The side that held it pulled out, leaving it to another."),
            "retaken": Term("retaken", "Taken back by a side that had held it before."),
            "held": Term("still held", "Reported still in the hands of the side that held it: no change of control."),
        },
    ),
    Vocabulary(
        "revision", "New information, corrections and retractions",
        "How the record changes after a briefing is published. A published briefing stays as it was; what"
        " changed is shown, dated.",
        (Revision, CorrectionKind),
        {
            "new": Term("new", "On record for the first time since the previous briefing."),
            "update": Term(
                "update", "New information, such as a claim later confirmed or a new number: it appears in the next"
                " briefing's “What changed”, and earlier briefings stay as they were.",
            ),
            "correction": Term(
                "correction", "An error fixed, ours or a source's: listed on the corrections page and shown, dated,"
                " on every briefing that carried the error.",
            ),
            "retraction": Term(
                "retraction", "A claim withdrawn by the source that made it: listed on the corrections page and"
                " shown, dated, on every briefing that carried the claim.",
            ),
        },
    ),
    Vocabulary(
        "claim", "Claims",
        "What an event was, or who did it, as someone asserts it: each claim has its own sources and status, so"
        " withdrawing one leaves the event standing.",
        (ClaimKind,),
        {
            "characterisation": Term("characterisation", "What someone says an event was, such as what a target was."),
            "responsibility": Term("claim of responsibility", "Someone says they did it."),
        },
    ),
    Vocabulary(
        "quote", "Quotations",
        "How closely a quotation gives the speaker's words.",
        (QuoteKind,),
        {
            "direct": Term("direct quotation", "The speaker's words, verbatim, in quotation marks."),
            "partial": Term(
                "partial quotation", "Verbatim words from a longer statement, with what they were part of."
            ),
            "paraphrase": Term("paraphrase", "What someone said, in other words: never shown in quotation marks."),
        },
    ),
    Vocabulary(
        "source", "Kinds of source",
        "What each source the records cite is.",
        (SourceKind,),
        {
            "wire-agency": Term(
                "news agency", "An agency whose reports other outlets republish, such as Reuters, AFP or AP."
            ),
            "newspaper": Term("newspaper", "A newspaper, in print or online."),
            "news-website": Term("news website", "A news outlet that publishes online only."),
            "broadcaster": Term("broadcaster", "A television or radio broadcaster."),
            "magazine": Term("magazine", "A magazine, in print or online."),
            "photo": Term("photograph", "A photograph and its caption, as published."),
            "video": Term("video", "A video and its description, as published."),
            "official-statement": Term(
                "official statement", "What a government, an organisation or an armed group says in its own name."
            ),
            "government-document": Term(
                "government document", "A document a government published, such as a report, an order or a transcript."
            ),
            "social-media": Term("social media post", "A post on a social network."),
            "ngo-report": Term("NGO report", "A report by a non-governmental organisation, such as an aid group."),
            "think-tank": Term("think tank", "Analysis by a research institute or think tank."),
            "other": Term("other source", "A source of another kind."),
        },
    ),
    Vocabulary(
        "place", "Kinds of place",
        "What each place the records name is.",
        (PlaceKind,),
        {
            "country": Term("country", "A country."),
            "region": Term("region", "An area larger than a province, or one that crosses borders."),
            "province": Term("province", "The largest division of a country."),
            "district": Term("district", "A division of a province."),
            "city": Term("city", "A city."),
            "town": Term("town", "A town."),
            "village": Term("village", "A village."),
            "border-crossing": Term("border crossing", "A crossing point on a border between two countries."),
            "airport": Term("airport", "An airport or airfield."),
            "military-base": Term("military base", "A military base or garrison."),
            "prison": Term("prison", "A prison or detention centre."),
            "building": Term("building", "A single building or compound."),
            "other": Term("other place", "A place of another kind."),
        },
    ),
    Vocabulary(
        "actor", "Kinds of actor",
        "Who acts, claims or speaks in the records.",
        (ActorKind,),
        {
            "armed-group": Term("armed group", "A group that fights and is not a state's armed forces."),
            "government": Term("government", "A country's government."),
            "government-agency": Term("government agency", "A ministry, department or agency of a government."),
            "military": Term("armed forces", "A state's armed forces, or a unit of them."),
            "police": Term("police", "A police force."),
            "political-party": Term("political party", "A political party."),
            "international-organisation": Term(
                "international organisation", "An organisation of states, such as the United Nations."
            ),
            "ngo": Term("NGO", "A non-governmental organisation, such as an aid group."),
            "media": Term("news organisation", "A news organisation: an agency, a newspaper or a broadcaster."),
            "person": Term("person", "A person, named with the role they held at the time."),
            "group": Term("group", "People or bodies that act or speak together, such as a group of envoys."),
            "other": Term("other actor", "An actor of another kind."),
        },
    ),
    Vocabulary(
        "event", "Kinds of event",
        "What kind of thing each event is; the timeline export groups events by it.",
        (EventKind,),
        {
            "armed-clash": Term("armed clash", "Fighting between armed sides."),
            "capture": Term("capture", "A side takes a place by force."),
            "handover": Term("handover", "A place passes to another side by agreement."),
            "surrender": Term("surrender", "Fighters or a garrison give themselves up."),
            "withdrawal": Term("withdrawal", "A side pulls its forces or staff out of a place."),
            "attack": Term("attack", "An attack by one side, such as a bombing or a raid."),
            "border-closure": Term("border closure", "A border crossing is closed."),
            "deployment": Term("deployment", "Forces or staff are sent somewhere."),
            "evacuation": Term("evacuation", "People are moved out of danger."),
            "statement": Term("statement", "Something an actor says in public."),
            "call": Term("call", "A telephone or video call between leaders or officials."),
            "meeting": Term("meeting", "Leaders, officials or negotiators meet."),
            "agreement": Term("agreement", "Sides reach or sign an agreement."),
            "negotiation": Term("negotiation", "Talks between sides."),
            "assessment": Term("assessment", "An appraisal of the situation, such as an intelligence estimate."),
            "warning": Term("warning", "A warning of danger or of consequences."),
            "decision": Term("decision", "A government or organisation decides something."),
            "other": Term("other event", "An event of another kind."),
        },
    ),
    Vocabulary(
        "coordinates", "Where places are on the map",
        "How exactly a place's position is known.",
        (CoordinatePrecision,),
        {
            "exact": Term("exact position", "The position of the place itself."),
            "approximate": Term("approximate position", "Roughly where the place is."),
            "settlement": Term("centre of the town or city", "The centre of the town or city the place is in."),
            "district": Term("centre of the district", "The centre of the district the place is in."),
            "province": Term("centre of the province", "The centre of the province the place is in."),
            "country": Term("centre of the country", "The centre of the country the place is in."),
        },
    ),
    Vocabulary(
        "qualifier", "Figures",
        "How a number relates to what it counts.",
        (Qualifier,),
        {
            "exactly": Term("exactly", "The number as given."),
            "about": Term("about", "An approximate number."),
            "more-than": Term("more than", "The true number is higher."),
            "at-least": Term("at least", "The true number may be this or higher."),
            "fewer-than": Term("fewer than", "The true number is lower."),
            "up-to": Term("up to", "The true number may be this or lower."),
        },
        in_glossary=False,
    ),
    Vocabulary(
        "time", "Times of day",
        "When in the day something happened, when the sources give no clock time.",
        (PartOfDay,),
        {
            "early-morning": Term("early morning", "Around dawn."),
            "morning": Term("morning", "In the morning."),
            "midday": Term("midday", "Around noon."),
            "afternoon": Term("afternoon", "In the afternoon."),
            "evening": Term("evening", "In the evening."),
            "night": Term("night", "During the night."),
        },
        in_glossary=False,
    ),
    Vocabulary(
        "date", "How precise a date is",
        "How precisely the sources date something.",
        (Precision,),
        {
            "day": Term("day", "A single day."),
            "month": Term("month", "Some day in a month."),
            "year": Term("year", "Some day in a year."),
            "range": Term("range of dates", "Some time between two dates."),
        },
        in_glossary=False,
    ),
)  # fmt: skip
BY_NAME = {vocabulary.name: vocabulary for vocabulary in VOCABULARIES}
GLOSSARY = tuple(vocabulary for vocabulary in VOCABULARIES if vocabulary.in_glossary)
"""The vocabularies the glossary page explains, in its order."""


def term(name: str, code: str) -> Term:
    """The words for `code` in the vocabulary `name`.

    A code the table lacks reads as itself with spaces for hyphens (`tests/test_words.py` fails meanwhile).
    """
    found = BY_NAME[name].terms.get(code)
    return found or Term(code.replace("-", " "), "")


def label(name: str, code: str) -> str:
    """`code` as readers read it inside a sentence: `label("control", "handed-over")` is 'handed over'."""
    return term(name, code).label


def definition(name: str, code: str) -> str:
    """What `code` means, in one line."""
    return term(name, code).definition


def anchor(name: str, code: str) -> str:
    """The id of `code`'s entry on the glossary page."""
    return f"{name}-{code}"


def capital(text: str) -> str:
    """`text` starting with a capital, the rest as written ('NGO report' stays as it is)."""
    return text[:1].upper() + text[1:]


def country(code: str) -> str:
    """An ISO 3166-1 alpha-2 code as readers say it: 'AF' is 'Afghanistan'; a code it does not know, as written."""
    return _countries().get(code, code)


@cache
def _countries() -> dict[str, str]:
    pairs = (entry.strip().partition(" ") for entry in _COUNTRIES.split(";"))
    return {code: name for code, _, name in pairs}


# Every ISO 3166-1 alpha-2 code, and XK (Kosovo), by its English short name as the Unicode CLDR gives it
# (as Babel 2.18 has it), with "&" and "St." spelled out and the two Congos told apart.
_COUNTRIES = """
AD Andorra; AE United Arab Emirates; AF Afghanistan; AG Antigua and Barbuda; AI Anguilla; AL Albania; AM Armenia;
AO Angola; AQ Antarctica; AR Argentina; AS American Samoa; AT Austria; AU Australia; AW Aruba; AX Åland Islands;
AZ Azerbaijan; BA Bosnia and Herzegovina; BB Barbados; BD Bangladesh; BE Belgium; BF Burkina Faso; BG Bulgaria;
BH Bahrain; BI Burundi; BJ Benin; BL Saint Barthélemy; BM Bermuda; BN Brunei; BO Bolivia;
BQ Caribbean Netherlands; BR Brazil; BS Bahamas; BT Bhutan; BV Bouvet Island; BW Botswana; BY Belarus; BZ Belize;
CA Canada; CC Cocos (Keeling) Islands; CD Democratic Republic of the Congo; CF Central African Republic;
CG Republic of the Congo; CH Switzerland; CI Côte d’Ivoire; CK Cook Islands; CL Chile; CM Cameroon; CN China;
CO Colombia; CR Costa Rica; CU Cuba; CV Cape Verde; CW Curaçao; CX Christmas Island; CY Cyprus; CZ Czechia;
DE Germany; DJ Djibouti; DK Denmark; DM Dominica; DO Dominican Republic; DZ Algeria; EC Ecuador; EE Estonia;
EG Egypt; EH Western Sahara; ER Eritrea; ES Spain; ET Ethiopia; FI Finland; FJ Fiji; FK Falkland Islands;
FM Micronesia; FO Faroe Islands; FR France; GA Gabon; GB United Kingdom; GD Grenada; GE Georgia;
GF French Guiana; GG Guernsey; GH Ghana; GI Gibraltar; GL Greenland; GM Gambia; GN Guinea; GP Guadeloupe;
GQ Equatorial Guinea; GR Greece; GS South Georgia and South Sandwich Islands; GT Guatemala; GU Guam;
GW Guinea-Bissau; GY Guyana; HK Hong Kong; HM Heard and McDonald Islands; HN Honduras; HR Croatia; HT Haiti;
HU Hungary; ID Indonesia; IE Ireland; IL Israel; IM Isle of Man; IN India; IO British Indian Ocean Territory;
IQ Iraq; IR Iran; IS Iceland; IT Italy; JE Jersey; JM Jamaica; JO Jordan; JP Japan; KE Kenya; KG Kyrgyzstan;
KH Cambodia; KI Kiribati; KM Comoros; KN Saint Kitts and Nevis; KP North Korea; KR South Korea; KW Kuwait;
KY Cayman Islands; KZ Kazakhstan; LA Laos; LB Lebanon; LC Saint Lucia; LI Liechtenstein; LK Sri Lanka;
LR Liberia; LS Lesotho; LT Lithuania; LU Luxembourg; LV Latvia; LY Libya; MA Morocco; MC Monaco; MD Moldova;
ME Montenegro; MF Saint Martin; MG Madagascar; MH Marshall Islands; MK North Macedonia; ML Mali; MM Myanmar;
MN Mongolia; MO Macao; MP Northern Mariana Islands; MQ Martinique; MR Mauritania; MS Montserrat; MT Malta;
MU Mauritius; MV Maldives; MW Malawi; MX Mexico; MY Malaysia; MZ Mozambique; NA Namibia; NC New Caledonia;
NE Niger; NF Norfolk Island; NG Nigeria; NI Nicaragua; NL Netherlands; NO Norway; NP Nepal; NR Nauru; NU Niue;
NZ New Zealand; OM Oman; PA Panama; PE Peru; PF French Polynesia; PG Papua New Guinea; PH Philippines;
PK Pakistan; PL Poland; PM Saint Pierre and Miquelon; PN Pitcairn Islands; PR Puerto Rico;
PS Palestinian Territories; PT Portugal; PW Palau; PY Paraguay; QA Qatar; RE Réunion; RO Romania; RS Serbia;
RU Russia; RW Rwanda; SA Saudi Arabia; SB Solomon Islands; SC Seychelles; SD Sudan; SE Sweden; SG Singapore;
SH Saint Helena; SI Slovenia; SJ Svalbard and Jan Mayen; SK Slovakia; SL Sierra Leone; SM San Marino; SN Senegal;
SO Somalia; SR Suriname; SS South Sudan; ST São Tomé and Príncipe; SV El Salvador; SX Sint Maarten; SY Syria;
SZ Eswatini; TC Turks and Caicos Islands; TD Chad; TF French Southern Territories; TG Togo; TH Thailand;
TJ Tajikistan; TK Tokelau; TL Timor-Leste; TM Turkmenistan; TN Tunisia; TO Tonga; TR Türkiye;
TT Trinidad and Tobago; TV Tuvalu; TW Taiwan; TZ Tanzania; UA Ukraine; UG Uganda; UM U.S. Outlying Islands;
US United States; UY Uruguay; UZ Uzbekistan; VA Vatican City; VC Saint Vincent and the Grenadines; VE Venezuela;
VG British Virgin Islands; VI U.S. Virgin Islands; VN Vietnam; VU Vanuatu; WF Wallis and Futuna; WS Samoa;
XK Kosovo; YE Yemen; YT Mayotte; ZA South Africa; ZM Zambia; ZW Zimbabwe
"""
