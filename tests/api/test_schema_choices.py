from typing import get_args

import pytest
from django.db import models

from accounts.models import Band, FundingStage, Industry, Phase, Segment
from api import schemas


@pytest.mark.parametrize(
    ("alias", "choices"),
    [
        (schemas.PhaseName, Phase),
        (schemas.IndustryName, Industry),
        (schemas.SegmentName, Segment),
        (schemas.BandName, Band),
        (schemas.FundingStageName, FundingStage),
    ],
)
def test_schema_literals_follow_the_model_choices(
    alias: object, choices: type[models.TextChoices]
) -> None:
    assert list(get_args(alias)) == list(choices.values)
