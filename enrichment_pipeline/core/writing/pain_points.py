"""The pain-point library: what each kind of business struggles with, in plain words.

The built-in entries assume the sender sells lead response and follow-up (the first customer's
offer: answer every lead fast, day or night, and book the appointment). A sender with another
offer replaces them per industry in the sender profile (`[[pain_points.<industry>]]`).

Entries make no numeric or brand claims: the guardrails reject any number or proper noun that is
not in the facts or the sender profile, and the template writer is held to the same rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from enrichment_pipeline.core.writing.industries import (
    CAR_DEALER,
    GENERIC,
    RESTAURANT,
    RETAIL,
    TRADES,
)


@dataclass(frozen=True)
class PainPoint:
    """One problem to lead with.

    `hot_button` is a one-sentence statement of the problem, `problem` the two sentences the
    body uses, `subject` a short lower-case phrase for subject lines, and `triggers` words in
    the facts that make this the best-fitting problem for a business.
    """

    key: str
    hot_button: str
    problem: str
    subject: str
    triggers: tuple[str, ...] = field(default_factory=tuple)

    def matches(self, text: str) -> bool:
        """True when any trigger word occurs in `text` (case-insensitive, word start)."""
        return any(re.search(rf"(?i)\b{trigger}", text) for trigger in self.triggers)


@dataclass(frozen=True)
class IndustryWords:
    """How to refer to a kind of business in a sentence."""

    singular: str  # "dealership"
    plural: str  # "dealerships"
    customers: str  # "shoppers"


INDUSTRY_WORDS: dict[str, IndustryWords] = {
    CAR_DEALER: IndustryWords("dealership", "dealerships", "shoppers"),
    RESTAURANT: IndustryWords("restaurant", "restaurants", "guests"),
    TRADES: IndustryWords("company", "service companies", "customers"),
    RETAIL: IndustryWords("store", "stores", "shoppers"),
    GENERIC: IndustryWords("business", "businesses", "customers"),
}

LIBRARY: dict[str, tuple[PainPoint, ...]] = {
    CAR_DEALER: (
        PainPoint(
            "service_drive",
            "Service customers who are ready for a new vehicle rarely get asked.",
            "Your service lane sees customers every day whose vehicles are due for replacement. "
            "Most of them never hear about an upgrade unless someone follows up after the visit.",
            "service-to-sales",
            ("service", "parts", "maintenance", "oil change", "repair"),
        ),
        PainPoint(
            "credit_apps",
            "Finance applicants who don't hear back quickly move on.",
            "Shoppers who send a credit application and then wait often assume they were turned "
            "down. They stop replying, even when the store could have found them an approval.",
            "credit app follow-up",
            ("financ", "credit", "buy here pay here", "bhph", "approv"),
        ),
        PainPoint(
            "speed_to_lead",
            "The dealer who answers an internet lead first usually gets the appointment.",
            "Most shoppers contact several stores at once, and the one that sends a real answer "
            "first tends to get the visit. On a busy floor, web leads and chats wait longer than "
            "anyone intends.",
            "first reply wins",
            ("internet", "online", "chat", "e-price", "quote", "inventory"),
        ),
        PainPoint(
            "after_hours",
            "Internet leads that arrive after the showroom closes go cold by morning.",
            "A lot of shoppers send their questions at night and on Sundays, when nobody is at "
            "the desk. By the time someone replies the next morning, many have already booked a "
            "test drive somewhere else.",
            "after-hours leads",
        ),
        PainPoint(
            "no_shows",
            "Booked test drives that never show up.",
            "Even after a shopper books a test drive, a good share never make it in. The ones who "
            "do show up usually got a confirmation and a friendly check-in the day before.",
            "appointment no-shows",
        ),
        PainPoint(
            "aged_leads",
            "Older leads in the CRM that nobody has time to work.",
            "Every store has months of leads that went quiet, and some of those shoppers are "
            "ready to buy now. The team is simply too busy with today's traffic to reach back out.",
            "leads gone quiet",
        ),
    ),
    RESTAURANT: (
        PainPoint(
            "catering",
            "Catering and private-event inquiries that wait too long for an answer.",
            "Catering and party requests are some of the most valuable orders a restaurant gets. "
            "They usually go to whoever replies first with a clear answer and a date.",
            "catering inquiries",
            ("catering", "cater", "event", "private", "part(?:y|ies)", "banquet", "wedding"),
        ),
        PainPoint(
            "missed_calls",
            "Calls that ring out during the dinner rush.",
            "During the rush the phone is the last thing anyone can get to, so reservation and "
            "takeout calls ring out. Those guests rarely leave a message; they call the next "
            "place.",
            "missed calls at rush hour",
            ("reservation", "takeout", "take-out", "delivery", "order"),
        ),
        PainPoint(
            "after_hours",
            "Questions about bookings that come in after closing.",
            "Guests often ask about tables, menus and groups late in the evening. By the time "
            "someone answers the next day, they have usually made other plans.",
            "late-night questions",
        ),
        PainPoint(
            "regulars",
            "First-time guests who never come back.",
            "Plenty of first-time guests enjoy the meal and then never hear from you again. "
            "Whether they come back becomes a matter of luck.",
            "turning guests into regulars",
        ),
    ),
    TRADES: (
        PainPoint(
            "emergency",
            "Urgent calls at night and on weekends go to whoever answers first.",
            "Urgent jobs rarely happen during office hours. A homeowner with a problem calls down "
            "the list and books the first company that picks up.",
            "after-hours emergency calls",
            ("emergenc", "24/7", "same.day", "urgent", "repair"),
        ),
        PainPoint(
            "estimates",
            "Estimates that go out and never get a follow-up.",
            "Many quotes go out and then nothing happens. A timely, friendly follow-up is often "
            "the difference between a signed job and a lost one.",
            "estimate follow-up",
            ("estimate", "quote", "free", "consultation"),
        ),
        PainPoint(
            "missed_calls",
            "Calls missed while the crew is out on a job.",
            "When everyone is on a job site, calls go to voicemail. Most homeowners don't leave a "
            "message; they simply call the next company on the list.",
            "missed calls on job days",
        ),
        PainPoint(
            "web_forms",
            "Website requests that sit in an inbox until evening.",
            "Requests from the website form tend to wait until someone is back at a desk. By "
            "then the homeowner has often booked someone else.",
            "website requests",
        ),
    ),
    RETAIL: (
        PainPoint(
            "special_orders",
            "Special-order requests that stall between visits.",
            "Customers who ask for a special order or a custom piece often wait days for an "
            "update, and the sale quietly slips away.",
            "special orders",
            ("order", "custom", "special", "repair", "layaway"),
        ),
        PainPoint(
            "stock_questions",
            "Questions about stock that go unanswered until it's too late.",
            "Shoppers message or call to ask whether something is in stock before they drive "
            "over. If nobody answers quickly, they order it online instead.",
            "in-stock questions",
        ),
        PainPoint(
            "after_hours",
            "Messages that arrive after the store closes.",
            "A lot of shoppers browse and ask questions in the evening. By the time the store "
            "opens, they have bought somewhere else.",
            "after-hours messages",
        ),
        PainPoint(
            "repeat",
            "One-time shoppers who never come back.",
            "Many customers buy once and never hear from the store again. Repeat visits are left "
            "to chance.",
            "repeat customers",
        ),
    ),
    GENERIC: (
        PainPoint(
            "slow_replies",
            "Inquiries that wait too long for a reply.",
            "People who reach out to several businesses at once usually go with whoever answers "
            "first. On a busy day, quick replies are the first thing to slip.",
            "faster replies",
        ),
        PainPoint(
            "after_hours",
            "Inquiries that arrive after hours.",
            "Many inquiries arrive in the evening and on weekends. By the next business day, a "
            "lot of those people have already chosen someone else.",
            "after-hours inquiries",
        ),
        PainPoint(
            "follow_up",
            "Prospects who never get a second follow-up.",
            "Most prospects don't decide after the first conversation. Without a timely second "
            "touch, good opportunities quietly go cold.",
            "follow-up",
        ),
    ),
}


def pain_points_for(
    industry: str, overrides: dict[str, tuple[PainPoint, ...]] | None = None
) -> tuple[PainPoint, ...]:
    """The candidate pain points for an industry: the sender's own list if given, else ours."""
    if overrides and overrides.get(industry):
        return overrides[industry]
    return LIBRARY.get(industry) or LIBRARY[GENERIC]
