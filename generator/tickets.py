"""Ticket lives: a Markov chain over statuses per ticket, told as Freshdesk activities.

Tickets are simulated in blocks of `BLOCK_SIZE` consecutive tickets; block `b` draws from its
own random generator seeded by `(seed, b)`, so a block's activities depend on nothing else and
any number of workers produce the same bytes. Ticket ids grow with creation time, as in
Freshdesk; creations are spread over the window weighted toward working hours.
"""

from __future__ import annotations

import bisect
import json
import math
import random
from dataclasses import dataclass
from operator import itemgetter

from .config import (
    CLOSED,
    OPEN,
    RESOLVED,
    SOLVED,
    WAITING_ON_CUSTOMER,
    WAITING_ON_THIRD_PARTY,
    GeneratorConfig,
    Weighted,
)
from .pools import (
    CLOSE_RESOLVED_RULE,
    CLOSE_WAITING_RULE,
    REMINDER_RULE,
    Pools,
)
from .window import DAY, HOUR, Hours, Stamper, Window, creation_second, shipment_date

BLOCK_SIZE = 1000
NOTE_ID_BASE = 1_000_000_000
NOTE_ID_STRIDE = 10_000
_SYSTEM = '"system","activity":'
_REMINDER = json.dumps({"automation": {"type": 3, "rule": REMINDER_RULE}}, separators=(",", ":"))
_CLOSING_RULES = {
    WAITING_ON_CUSTOMER: json.dumps(CLOSE_WAITING_RULE),
    RESOLVED: json.dumps(CLOSE_RESOLVED_RULE),
}


@dataclass(frozen=True)
class Plan:
    """Everything a worker needs to produce any block of a run."""

    config: GeneratorConfig
    pools: Pools
    window: Window
    hours: Hours
    tickets: int
    seed: int

    @property
    def blocks(self) -> int:
        return -(-self.tickets // BLOCK_SIZE)


@dataclass
class Tally:
    """Counts over simulated tickets (for the summary; tests recount from the output)."""

    tickets: int = 0
    activities: int = 0
    reopened: int = 0
    unresolved: int = 0
    noted: int = 0
    responded: int = 0

    def add(self, other: Tally) -> None:
        self.tickets += other.tickets
        self.activities += other.activities
        self.reopened += other.reopened
        self.unresolved += other.unresolved
        self.noted += other.noted
        self.responded += other.responded


def _pick(weighted: Weighted, rng: random.Random):
    return weighted.values[bisect.bisect_right(weighted.cumulative, rng.random() * weighted.total)]


class Simulator:
    """Simulates blocks of tickets of one plan into `(epoch, line tail)` events."""

    def __init__(self, plan: Plan) -> None:
        config = plan.config
        self.plan = plan
        self.config = config
        self.begin = plan.window.begin
        self.end = plan.window.end
        self.stamp = Stamper()
        self.quoted = {status: json.dumps(status) for status in config.statuses}
        self.status_json = {
            status: f'{{"status":{quoted}}}' for status, quoted in self.quoted.items()
        }
        self.text = {
            value: json.dumps(value)
            for weighted in (
                config.groups,
                config.categories,
                config.products,
                config.issue_types,
                config.sla_policies,
                config.tags,
            )
            for value in weighted.values
        }
        self.dwell = {
            status: (
                math.log(dwell.median_seconds) if dwell.median_seconds > 0 else None,
                dwell.sigma,
                {priority: dwell.priority_factors.get(priority, 1.0) for priority in range(1, 5)},
            )
            for status, dwell in config.dwell.items()
        }
        self.probability = config.probabilities

    def block(self, index: int) -> tuple[list[tuple[int, str]], Tally]:
        """Block `index`: its events sorted by time (stable: each ticket's order kept)."""
        plan = self.plan
        rng = random.Random(f"{plan.seed}/{index}")
        first = index * BLOCK_SIZE
        last = min(plan.tickets, first + BLOCK_SIZE)
        events: list[tuple[int, str]] = []
        tally = Tally()
        for number in range(first, last):
            fraction = (number + rng.random()) / plan.tickets
            created = self.begin + int(creation_second(plan.hours, fraction))
            self.ticket(self.config.first_ticket_id + number, created, rng, events, tally)
        events.sort(key=itemgetter(0))
        tally.activities = len(events)
        return events, tally

    def working(self, epoch: int, rng: random.Random) -> int:
        """`epoch`, moved into the next working hours with the calendar's probability."""
        hours = self.plan.hours
        hour = (epoch - self.begin) // HOUR
        if (
            0 <= hour < len(hours.is_work)
            and not hours.is_work[hour]
            and hours.next_work[hour] >= 0
            and rng.random() < self.config.agent_work_hours_share
        ):
            return self.begin + hours.next_work[hour] * HOUR + int(rng.random() * 2 * HOUR)
        return epoch

    def ticket(
        self,
        ticket_id: int,
        created: int,
        rng: random.Random,
        events: list[tuple[int, str]],
        tally: Tally,
    ) -> None:
        """Append the in-window activities of one ticket to `events`."""
        config, pools, end, p = self.config, self.plan.pools, self.end, self.probability
        text, quoted, status_json = self.text, self.quoted, self.status_json
        random_ = rng.random
        head = f'","ticket_id":{ticket_id},"performer_type":'
        note_ids = iter(range(NOTE_ID_BASE + ticket_id * NOTE_ID_STRIDE, 1 << 62))
        noted = responded = reopened = False

        def emit(epoch: int, performer: str, activity: str) -> None:
            if epoch < end:
                events.append((epoch, head + performer + activity + "}"))

        def user(performer_id: int) -> str:
            return f'"user","performer_id":{performer_id},"activity":'

        def note(epoch: int, performer: str, kind: int) -> None:
            nonlocal noted
            if epoch < end:
                noted = True
                emit(epoch, performer, f'{{"note":{{"id":{next(note_ids)},"type":{kind}}}}}')

        priority = _pick(config.priorities, rng)
        group = _pick(config.groups, rng)
        agents = pools.agents[group]
        agent = agents[int(random_() * len(agents))]
        requester_id = pools.requesters[int(random_() * len(pools.requesters))]
        requester = user(requester_id)
        source = _pick(config.sources, rng)
        by_agent = source in config.agent_created_sources
        assigned = random_() >= p["unassigned_at_creation"] or by_agent
        address = (
            pools.addresses[int(random_() * len(pools.addresses))]
            if random_() < p["shipping_address_known"]
            else '"N/A"'
        )
        shipped = shipment_date(created // DAY + int(random_() * 14) - 3)
        contacted = "true" if random_() < p["contacted_customer"] else "false"
        emit(
            created,
            user(agent) if by_agent else requester,
            f'{{"shipping_address":{address},"shipment_date":"{shipped}",'
            f'"category":{text[_pick(config.categories, rng)]},"contacted_customer":{contacted},'
            f'"issue_type":{text[_pick(config.issue_types, rng)]},"source":{source},'
            f'"status":{quoted[OPEN]},"priority":{priority},"group":{text[group]},'
            f'"agent_id":{agent if assigned else "null"},"requester_id":{requester_id},'
            f'"product":{text[_pick(config.products, rng)]},"new_ticket":true}}',
        )
        dispatch = pools.dispatch_rules[group]
        if not assigned:
            emit(
                created + int(random_() * 300),
                _SYSTEM,
                f'{{"automation":{{"type":1,"rule":{dispatch}}},"agent_id":{agent}}}',
            )
        elif random_() < p["automation_on_creation"]:
            emit(
                created,
                _SYSTEM,
                f'{{"automation":{{"type":1,"rule":{dispatch}}},'
                f'"added_tags":[{text[_pick(config.tags, rng)]}]}}',
            )
        if random_() < p["sla_on_creation"]:
            due = created + int(config.sla_hours[priority] * HOUR)
            emit(
                created,
                _SYSTEM,
                f'{{"sla_policy":{text[_pick(config.sla_policies, rng)]},'
                f'"due_by":"{self.stamp(due)}"}}',
            )

        status, since, changes = OPEN, created, 0
        while changes < config.max_changes:
            table = config.transitions.get(status)
            if table is None:
                break
            log_median, sigma, factors = self.dwell[status]
            dwell = 0.0
            if log_median is not None:
                dwell = math.exp(log_median + sigma * rng.gauss(0.0, 1.0)) * factors[priority]
            until = since + int(dwell) + 1
            following = _pick(table, rng)
            customer_moves = following not in SOLVED and status in (
                WAITING_ON_CUSTOMER,
                RESOLVED,
                CLOSED,
            )
            system_moves = following in SOLVED and status in (WAITING_ON_CUSTOMER, RESOLVED)
            if not customer_moves and not system_moves:
                until = self.working(until, rng)
            span = until - since

            if status == OPEN:
                if random_() < p["reassignment"]:
                    previous, agent = agent, agents[int(random_() * len(agents))]
                    emit(since + int(0.1 * span), user(previous), f'{{"agent_id":{agent}}}')
                if random_() < p["group_change"]:
                    previous, group = agent, _pick(config.groups, rng)
                    agents = pools.agents[group]
                    agent = agents[int(random_() * len(agents))]
                    emit(
                        since + int(0.15 * span),
                        user(previous),
                        f'{{"group":{text[group]},"agent_id":{agent}}}',
                    )
                if random_() < p["priority_change"]:
                    priority = min(4, priority + 1) if random_() < 0.7 else max(1, priority - 1)
                    emit(since + int(0.2 * span), user(agent), f'{{"priority":{priority}}}')
                if random_() < p["tags_added"]:
                    emit(
                        since + int(0.25 * span),
                        user(agent),
                        f'{{"added_tags":[{text[_pick(config.tags, rng)]}]}}',
                    )
                if random_() < p["customer_follow_up"]:
                    note(since + int((0.3 + 0.3 * random_()) * span), requester, 0)
            if status == WAITING_ON_CUSTOMER:
                if span > DAY + HOUR and random_() < p["reminder"]:
                    reminded = since + DAY + int(random_() * HOUR)
                    note(reminded, _SYSTEM, 0)
                    emit(reminded, _SYSTEM, _REMINDER)
            elif status not in SOLVED and random_() < p["private_note"]:
                note(since + int((0.6 + 0.35 * random_()) * span), user(agent), 3)

            lag = 0 if customer_moves or system_moves else int(random_() * 30)
            if until + lag >= end:
                break
            if customer_moves:
                note(until, requester, 0)
                emit(until, requester, status_json[following])
                reopened = reopened or status in SOLVED
            elif system_moves:
                emit(
                    until,
                    _SYSTEM,
                    f'{{"automation":{{"type":3,"rule":{_CLOSING_RULES[status]}}},'
                    f'"status":{quoted[following]}}}',
                )
            else:
                performer = user(agent)
                if following == WAITING_ON_THIRD_PARTY:
                    note(until, performer, 3)
                elif following == WAITING_ON_CUSTOMER or following in SOLVED or not responded:
                    public = 4 if random_() < p["public_reply_as_note"] else 0
                    note(until, performer, public)
                    responded = True
                until += lag
                emit(until, performer, status_json[following])
            status, since = following, until
            changes += 1

        tally.tickets += 1
        tally.reopened += reopened
        tally.unresolved += status not in SOLVED
        tally.noted += noted
        tally.responded += responded
