"""Value pools: realistic values drawn once per seed (Faker is slow), then sampled fast."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass

from .config import GeneratorConfig

ADDRESSES = 1000
REMINDER_RULE = "Remind customers to respond to tickets awaiting their input"
CLOSE_WAITING_RULE = "Close tickets waiting on the customer for too long"
CLOSE_RESOLVED_RULE = "Close resolved tickets after 48 hours"


@dataclass(frozen=True)
class Pools:
    """Ids and values for one seed; strings are stored JSON-encoded, ready to splice."""

    agents: dict[str, tuple[int, ...]]
    requesters: tuple[int, ...]
    addresses: tuple[str, ...]
    dispatch_rules: dict[str, str]


def build_pools(config: GeneratorConfig, seed: int) -> Pools:
    """The value pools of `seed`: agents per group, requesters, addresses, rule names."""
    rng = random.Random(f"pools/{seed}")
    groups = config.groups.values
    agent_ids = rng.sample(range(100_000, 1_000_000), config.agents_per_group * len(groups))
    agents = {group: tuple(agent_ids[index :: len(groups)]) for index, group in enumerate(groups)}
    requesters = tuple(rng.sample(range(1_000_000, 100_000_000), config.requesters))
    from faker import Faker  # imported here: it takes longer to import than the rest

    fake = Faker("en_US")
    fake.seed_instance(seed)
    addresses = tuple(json.dumps(fake.address().replace("\n", ", ")) for _ in range(ADDRESSES))
    dispatch_rules = {group: json.dumps(f"Route {group} tickets") for group in groups}
    return Pools(agents, requesters, addresses, dispatch_rules)
