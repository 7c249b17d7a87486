"""The optional GPS point (WGS-84 degrees) that ledger rows and field records carry."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


def latitude_field():
    return models.DecimalField(
        "纬度",
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )


def longitude_field():
    return models.DecimalField(
        "经度",
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
