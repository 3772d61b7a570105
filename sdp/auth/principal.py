"""Who is acting: a staff user, a partner system, or the system itself."""

from dataclasses import dataclass, field

from ..domain.procedure import Actor
from ..domain.vocabulary import Role


@dataclass(frozen=True)
class Principal:
    kind: str  # "user" | "client" | "system"
    id: int | None
    label: str
    roles: frozenset[Role] = frozenset()
    scopes: frozenset[str] = field(default_factory=frozenset)
    token_id: int | None = None

    @property
    def actor(self) -> Actor:
        return Actor(id=self.id if self.kind == "user" else None, roles=self.roles)

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles & set(roles))


SYSTEM = Principal(kind="system", id=None, label="system")
