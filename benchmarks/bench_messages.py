"""Deterministic chat traffic for the benchmarks: noisy on-topic snippets, everyday chatter, pathological input."""
from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

EMOJI = ["🔥", "😂", "🤔", "👀", "💀", "🙃", "👍", "🚀", "😭", "🤷",
         ":thinking:", ":kek:", ":+1:", "<:pepega:81234567890>"]
FILLERS = ["lol", "imo", "tbh", "ngl", "lmao", "fr", "idk", "honestly", "hot take:", "ok but", "wait", "yeah"]
URLS = ["https://example.com/post/123", "https://youtu.be/dQw4w9WgXcQ", "www.example.org/blog?id=42",
        "<https://news.example.net/a/b-c>", "https://x.com/someone/status/1800000000000000000"]
MENTIONS = ["@everyone", "@here", "<@123456789012345678>", "<#987654321098765432>", "<!channel>"]

FOODS = ["pizza", "ramen", "tacos", "sushi", "burgers", "pho", "curry", "pancakes", "leftovers", "coffee"]
PLACES = ["the gym", "work", "the store", "my parents", "the beach", "the office", "the airport", "school"]
GAMES = ["elden ring", "minecraft", "valorant", "league", "the new zelda", "baldurs gate", "fortnite", "chess"]
PETS = ["cat", "dog", "hamster", "parrot", "puppy", "kitten"]
OBJECTS = ["phone", "keyboard", "coffee mug", "headphones", "charger", "plant", "laptop", "water bottle"]
DAYS = ["monday", "tuesday", "friday", "saturday", "sunday", "tomorrow", "tonight", "next week"]
PEOPLE = ["my brother", "my boss", "my roommate", "the neighbours", "my mom", "the landlord", "my team"]
# Everyday sentences that share words with the debate ("open", "closed", "model", "weights", "meta", "source").
TEMPLATES = [
    "anyone want to grab {food} {day}?", "just got back from {place}, so tired", "{pet} knocked my {obj} off the desk",
    "is {place} open on {day}?", "the store is closed on {day} again", "{people} keeps stealing my {food}",
    "who is playing {game} {day}", "the meta in {game} is so broken right now", "finally beat {game} after 80 hours",
    "lifting weights at {place} {day}, anyone in?", "my {obj} died, what model should i buy", "rain all day {day} ugh",
    "happy birthday!! hope you have a great {day}", "can someone send me the source for that {pet} meme",
    "{people} said the road is closed near {place}", "new {obj} arrived, it is so good", "made {food} from scratch",
    "what time does {place} close {day}", "my {pet} is sleeping on my {obj} again", "gg everyone, good games {day}",
    "does anyone have a spare {obj} charger", "stuck in traffic on the way to {place}", "{food} or {food2}?",
    "we should do a {game} night {day}", "can't believe {people} ate all the {food}", "brb getting {food}",
    "the wifi at {place} is terrible", "my {obj} keeps disconnecting", "that movie was open ended, loved it",
]
TYPO_RATE = 0.08
DROP_RATE = 0.08
PATHOLOGICAL_COUNT = 12


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """One generated message and the kind of traffic it stands for: on, off or pathological."""

    text: str
    kind: str


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 4 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    if rng.random() < 0.5:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]  # swap two letters
    return word[:i] + word[i + 1:]  # drop one


def _markdown(rng: random.Random, words: list[str]) -> list[str]:
    if not words:
        return words
    i = rng.randrange(len(words))
    style = rng.choice(["**{}**", "*{}*", "`{}`", "~~{}~~", "||{}||", "__{}__"])
    words[i] = style.format(words[i])
    if rng.random() < 0.3:
        words[0] = "> " + words[0]
    return words


def _noise(rng: random.Random, words: list[str]) -> str:
    """Chat noise: dropped words, typos, markdown, emoji, filler words, mentions and links."""
    kept = [w for w in words if rng.random() >= DROP_RATE] or words[:1]
    kept = [_typo(rng, w) if rng.random() < TYPO_RATE else w for w in kept]
    if rng.random() < 0.2:
        kept = _markdown(rng, kept)
    if rng.random() < 0.3:
        kept.insert(0, rng.choice(FILLERS))
    if rng.random() < 0.2:
        kept.append(rng.choice(FILLERS))
    if rng.random() < 0.3:
        kept.append(rng.choice(EMOJI))
    if rng.random() < 0.04:
        kept.insert(0, rng.choice(MENTIONS))
    if rng.random() < 0.08:
        kept.insert(rng.randrange(len(kept) + 1), rng.choice(URLS))
    text = " ".join(kept)
    return text.upper() if rng.random() < 0.02 else text


def on_topic(rng: random.Random, passages: Sequence[str]) -> str:
    """A 5-15-word window of a real passage, lowercased, with chat noise."""
    words = rng.choice(passages).lower().split()
    size = min(len(words), rng.randint(5, 15))
    start = rng.randrange(len(words) - size + 1)
    return _noise(rng, words[start:start + size])


def off_topic(rng: random.Random) -> str:
    """An everyday chat line from the templates, with chat noise."""
    line = rng.choice(TEMPLATES).format(
        food=rng.choice(FOODS), food2=rng.choice(FOODS), place=rng.choice(PLACES), game=rng.choice(GAMES),
        pet=rng.choice(PETS), obj=rng.choice(OBJECTS), day=rng.choice(DAYS), people=rng.choice(PEOPLE))
    return _noise(rng, line.split())


def pathological(rng: random.Random, passages: Sequence[str]) -> list[str]:
    """Empty, blank, huge, binary and zalgo input."""
    huge_words: list[str] = []
    while sum(len(w) + 1 for w in huge_words) < 100_000:
        huge_words.extend(rng.choice(passages).split())
    zalgo_marks = [chr(c) for c in range(0x300, 0x36F)]
    zalgo = "".join(ch + "".join(rng.choices(zalgo_marks, k=rng.randint(3, 12)))
                    for ch in "open source ai is dangerous")
    garbage = bytes(rng.randrange(256) for _ in range(4096))
    out = [
        "", " ", "\n\t  \n", " ".join(huge_words)[:100_000], "a" * 100_000,
        garbage.decode("latin-1"), garbage.decode("utf-8", errors="replace"),
        zalgo, "🔥" * 500, "@everyone " * 200, "https://example.com/" + "x" * 5000,
        "ʇdɐuɹ ǝɔɹnos uǝdo мета лама 開放",
    ]
    return out[:PATHOLOGICAL_COUNT]


def generate(passages: Sequence[str], n: int, seed: int) -> list[ChatMessage]:
    """`n` messages: the pathological ones, then half on-topic and half off-topic, shuffled."""
    rng = random.Random(seed)
    out = [ChatMessage(t, "pathological") for t in pathological(rng, passages)][:n]
    rest = n - len(out)
    out += [ChatMessage(on_topic(rng, passages), "on") for _ in range(rest // 2)]
    out += [ChatMessage(off_topic(rng), "off") for _ in range(rest - rest // 2)]
    rng.shuffle(out)
    return out
