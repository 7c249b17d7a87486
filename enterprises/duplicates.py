"""Is this enterprise already on the ledger? Text normalisation and the similarity rule.

"Very similar" means, within the same township:
- names: after normalising (full-width → half-width, spaces and punctuation removed, the
  township/county name and generic suffixes such as 有限公司/厂/加工厂/作坊 stripped),
  the cores are equal, one contains the other (core of at least 3 characters), or
  difflib's ratio is at least NAME_SIMILARITY (0.8);
- addresses: after the same normalisation (without suffix stripping), equal or a ratio of
  at least ADDRESS_SIMILARITY (0.9), for addresses of at least 6 characters.
"""

import difflib
import functools
import re
import unicodedata

NAME_SIMILARITY = 0.8
ADDRESS_SIMILARITY = 0.9
MIN_ADDRESS_LENGTH = 6

# Longest first, so "有限责任公司" is stripped before "公司".
GENERIC_SUFFIXES = sorted(
    [
        "有限责任公司",
        "股份有限公司",
        "有限公司",
        "分公司",
        "公司",
        "加工厂",
        "加工点",
        "加工部",
        "制品厂",
        "厂",
        "作坊",
        "门市部",
        "门市",
        "经营部",
        "商店",
        "店",
        "合作社",
        "个体户",
    ],
    key=len,
    reverse=True,
)

_PUNCTUATION = re.compile(r"[\s\u3000·・,，.。、;；:：'\"“”‘’()（）\[\]【】<>《》\-—_/\\]+")


# Full-width letters, digits, the ideographic space and date separators become half-width;
# Chinese punctuation such as （）、： stays as written.
_HALF_WIDTH = {
    **{code: code - 0xFEE0 for code in range(ord("０"), ord("９") + 1)},
    **{code: code - 0xFEE0 for code in range(ord("Ａ"), ord("Ｚ") + 1)},
    **{code: code - 0xFEE0 for code in range(ord("ａ"), ord("ｚ") + 1)},
    **{ord(char): ord(char) - 0xFEE0 for char in "－．／＋＃＠"},
    0x3000: ord(" "),
}


_NEEDS_HALF_WIDTH = re.compile("[" + "".join(re.escape(chr(code)) for code in _HALF_WIDTH) + "]")
_SPACES = re.compile(r"\s+")
# An import normalises the same texts over and over (the same 无, 涉气, village and type on
# every row; each name for its key, its core and its ledger match): strings are memoised.
_CACHE_SIZE = 1 << 16


def normalise_text(value):
    """Full-width letters and digits to half-width, stray spaces collapsed; what a clerk
    typed, tidied."""
    if type(value) is str:
        return _normalise_str(value)
    return _normalise_str(str(value or ""))


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _normalise_str(value):
    if _NEEDS_HALF_WIDTH.search(value):
        value = value.translate(_HALF_WIDTH)
    return _SPACES.sub(" ", value).strip()


def compact(value):
    """normalise_text without any spaces or punctuation, for comparisons."""
    if type(value) is str:
        return _compact_str(value)
    return _compact_str(normalise_text(value))


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _compact_str(value):
    value = unicodedata.normalize("NFKC", _normalise_str(value))
    return _PUNCTUATION.sub("", value).upper()


def name_core(name, place_names=()):
    return core_of(compact(name), compacted_places(place_names))


def compacted_places(place_names):
    """Place names as name_core strips them: compacted, longest first."""
    return tuple(sorted((compact(p) for p in place_names if p), key=len, reverse=True))


def core_of(core, places):
    """name_core of an already compacted name, with places from compacted_places."""
    for place in places:
        if place and core.startswith(place) and len(core) > len(place):
            core = core[len(place) :]
    for suffix in GENERIC_SUFFIXES:
        if core.endswith(suffix) and len(core) > len(suffix) + 1:
            core = core[: -len(suffix)]
            break
    return core


def names_similar(first, second):
    if not first or not second:
        return False
    if first == second:
        return True
    shorter, longer = sorted((first, second), key=len)
    if len(shorter) >= 3 and shorter in longer:
        return True
    return difflib.SequenceMatcher(None, first, second).ratio() >= NAME_SIMILARITY


def addresses_similar(first, second):
    if len(first) < MIN_ADDRESS_LENGTH or len(second) < MIN_ADDRESS_LENGTH:
        return False
    if first == second:
        return True
    return difflib.SequenceMatcher(None, first, second).ratio() >= ADDRESS_SIMILARITY


def similar_enterprises(township, name, address, *, exclude_pk=None, limit=5):
    """Enterprises in the same township whose name or address is very similar.

    Returns a list of (enterprise, reason) with reason "名称相近" or "地址相近". The township's
    rows are read as (id, name, address) only; comparison happens in Python because
    difflib ratios cannot be indexed.
    """
    from .models import Enterprise

    places = [township.name]
    if township.parent_id:
        places.append(township.parent.name)
    core = name_core(name, places)
    address_key = compact(address)
    candidates = Enterprise.objects.filter(township=township)
    if exclude_pk:
        candidates = candidates.exclude(pk=exclude_pk)
    matches = []
    for pk, other_name, other_address in candidates.values_list("pk", "name", "address"):
        if names_similar(core, name_core(other_name, places)):
            matches.append((pk, "名称相近"))
        elif address_key and addresses_similar(address_key, compact(other_address)):
            matches.append((pk, "地址相近"))
        if len(matches) >= limit:
            break
    if not matches:
        return []
    found = Enterprise.objects.select_related("township", "village").in_bulk(
        [pk for pk, _ in matches]
    )
    return [(found[pk], reason) for pk, reason in matches if pk in found]


def import_key(credit_code, name, township):
    """The natural key of an imported row: the credit code, else normalised name + township."""
    if credit_code:
        return f"code:{credit_code}"
    return f"name:{township.pk}:{compact(name)}"
