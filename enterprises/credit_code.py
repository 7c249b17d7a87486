"""统一社会信用代码 (unified social credit code) per GB 32100-2015: 18 characters, check digit last."""

from django.core.exceptions import ValidationError

# The code's alphabet: digits and capital letters without I, O, Z, S, V.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def check_character(first17):
    total = sum(
        ALPHABET.index(char) * weight for char, weight in zip(first17, WEIGHTS, strict=True)
    )
    return ALPHABET[(31 - total % 31) % 31]


def is_valid_credit_code(code):
    if len(code) != 18 or any(char not in ALPHABET for char in code):
        return False
    return check_character(code[:17]) == code[17]


def validate_credit_code(value):
    if not value:
        return
    if len(value) != 18:
        raise ValidationError(f"统一社会信用代码应为 18 位，当前为 {len(value)} 位。")
    bad = [char for char in value if char not in ALPHABET]
    if bad:
        raise ValidationError(
            f"统一社会信用代码含有不允许的字符：{''.join(dict.fromkeys(bad))}（只能是数字和除 I、O、Z、S、V 外的大写字母）。"
        )
    if not is_valid_credit_code(value):
        raise ValidationError("统一社会信用代码校验位不正确，请核对是否抄错。")
