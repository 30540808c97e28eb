"""Regular languages over the ``VERB/path`` part of execute-api ARNs, and their intersection.

Two kinds of pattern describe sets of such strings:

- IAM resource globs as they appear in a policy (``GET/items/*``), where ``*`` matches any run of
  characters *including* ``/``;
- API Gateway route templates (``GET /items/{id}``), where ``{id}`` is exactly one non-empty
  segment and ``{proxy+}`` one or more segments.

Both compile to a small token list simulated as an NFA. ``intersects`` answers "is there a string
in all of these languages and in none of those" by a breadth-first search over the product of
their (deterministic, subset-constructed) states, on an alphabet reduced to the literal characters
that appear plus ``/`` plus one stand-in for every other character. That is exact, and it is what
lets ``route_policy`` prove that a policy never allows a forbidden route.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

ANY = "\x00any"  # glob '*': any run of characters, including '/' and the empty run
SEG = "\x00seg"  # one non-empty segment: [^/]+
REST = "\x00rest"  # one or more segments: [^/]+(/[^/]+)*
OPT_SLASH = "\x00opt/"  # an optional trailing '/'
OTHER = "\x01"  # stands for every character no pattern names

_States = frozenset[int]
_CACHE_SIZE = 4096
#: Beyond this many product states a search gives up and answers "they intersect", which every
#: caller treats conservatively (add a Deny, or flag the policy imprecise): a bounded cost.
MAX_SEARCH_STATES = 20_000


class Language:
    """A compiled pattern: tokens simulated as an NFA, with memoized transitions.

    A state is ``index * 3 + flag``: before token ``index`` (flag 0), inside a segment of a
    ``SEG``/``REST`` token (flag 1), or just after a ``/`` inside a ``REST`` token (flag 2).
    """

    __slots__ = ("_final", "_steps", "literals", "prefix", "start", "tokens")

    def __init__(self, tokens: tuple[str, ...]) -> None:
        self.tokens = tokens
        prefix: list[str] = []
        for token in tokens:
            if len(token) != 1:
                break
            prefix.append(token)
        self.prefix = "".join(prefix)
        self.literals = frozenset(t for t in tokens if len(t) == 1)
        self._final = len(tokens) * 3
        self._steps: dict[tuple[_States, str], _States] = {}
        self.start = self._closure((0,))

    def accepts(self, states: _States) -> bool:
        return self._final in states

    def _closure(self, states: Iterable[int]) -> _States:
        result = set(states)
        stack = list(result)
        size = len(self.tokens)
        while stack:
            index, flag = divmod(stack.pop(), 3)
            if index >= size:
                continue
            token = self.tokens[index]
            if (flag == 0 and token in (ANY, OPT_SLASH)) or (flag == 1 and token in (SEG, REST)):
                following = (index + 1) * 3
                if following not in result:
                    result.add(following)
                    stack.append(following)
        return frozenset(result)

    def step(self, states: _States, char: str) -> _States:
        key = (states, char)
        cached = self._steps.get(key)
        if cached is None:
            cached = self._steps[key] = self._step(states, char)
        return cached

    def _step(self, states: _States, char: str) -> _States:
        moved: set[int] = set()
        size = len(self.tokens)
        for state in states:
            index, flag = divmod(state, 3)
            if index >= size:
                continue
            token = self.tokens[index]
            if len(token) == 1:
                if flag == 0 and char == token:
                    moved.add((index + 1) * 3)
            elif token == ANY:
                if flag == 0:
                    moved.add(index * 3)
            elif token == SEG:
                if char != "/" and flag in (0, 1):
                    moved.add(index * 3 + 1)
            elif token == REST:
                if char != "/":
                    moved.add(index * 3 + 1)
                elif flag == 1:
                    moved.add(index * 3 + 2)
            elif token == OPT_SLASH and flag == 0 and char == "/":
                moved.add((index + 1) * 3)
        return self._closure(moved) if moved else frozenset()


@lru_cache(maxsize=_CACHE_SIZE)
def glob_language(glob: str) -> Language:
    """An IAM resource glob (only ``*`` is special; our globs never contain ``?``)."""
    return Language(tuple(ANY if char == "*" else char for char in glob))


def route_language(
    verb: str | None, segments: Iterable[tuple[str, str]], *, trailing_slash: bool = False
) -> Language:
    """``VERB/`` + path template; ``verb=None`` means any verb. Kinds: lit / param / proxy."""
    return _route_language(verb, tuple(segments), trailing_slash)


@lru_cache(maxsize=_CACHE_SIZE)
def _route_language(
    verb: str | None, segments: tuple[tuple[str, str], ...], trailing_slash: bool
) -> Language:
    tokens: list[str] = [SEG] if verb is None else list(verb)
    tokens.append("/")
    for index, (kind, text) in enumerate(segments):
        if index:
            tokens.append("/")
        if kind == "lit":
            tokens.extend(text)
        elif kind == "param":
            tokens.append(SEG)
        else:
            tokens.append(REST)
    if trailing_slash and segments:
        tokens.append(OPT_SLASH)
    return Language(tuple(tokens))


def _compatible(a: str, b: str) -> bool:
    return a.startswith(b) or b.startswith(a)


def intersects(positives: Sequence[Language], negatives: Sequence[Language] = ()) -> bool:
    """True when some string is in every ``positives`` language and in no ``negatives`` one.

    Also True when the search exceeds ``MAX_SEARCH_STATES`` (callers treat True as the safe side).
    """
    if not positives:
        raise ValueError("at least one positive language is required")
    longest = max((language.prefix for language in positives), key=len)
    if not all(_compatible(language.prefix, longest) for language in positives):
        return False  # the literal starts already disagree
    relevant = tuple(n for n in negatives if _compatible(n.prefix, longest))
    return _intersects(tuple(positives), relevant)


@lru_cache(maxsize=_CACHE_SIZE * 4)
def _intersects(positives: tuple[Language, ...], negatives: tuple[Language, ...]) -> bool:
    languages = positives + negatives
    count = len(positives)
    alphabet = sorted(frozenset().union(*(lang.literals for lang in languages)) | {"/", OTHER})
    start = tuple(language.start for language in languages)
    seen = {start}
    queue = [start]
    while queue:
        current = queue.pop()
        if all(languages[i].accepts(current[i]) for i in range(count)) and not any(
            languages[i].accepts(current[i]) for i in range(count, len(languages))
        ):
            return True
        for char in alphabet:
            following = []
            for i, language in enumerate(languages):
                states = language.step(current[i], char) if current[i] else current[i]
                if i < count and not states:
                    break
                following.append(states)
            else:
                state = tuple(following)
                if state not in seen:
                    if len(seen) >= MAX_SEARCH_STATES:
                        return True
                    seen.add(state)
                    queue.append(state)
    return False
