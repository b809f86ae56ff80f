"""An IEP service line in words, as the IEP writes it (used by the calculator and the letters)."""

from __future__ import annotations

from builder.case import WEEKDAYS, Service
from builder.i18n import and_list, plural, text


def how_much(service: Service, language: str) -> str:
    """30 minutes, 2 times per week, individual, pull-out."""
    return ", ".join(
        [_length(service, language), _how_often(service, language), *_where(service, language)]
    )


def describe_service(service: Service, language: str) -> str:
    """Speech-language therapy, 30 minutes, 2 times per week (individual, pull-out)."""
    line = ", ".join([service.name, _length(service, language), _how_often(service, language)])
    where = _where(service, language)
    return f"{line} ({', '.join(where)})" if where else line


def _length(service: Service, language: str) -> str:
    return plural("unit.minute", service.minutes, language)


def _how_often(service: Service, language: str) -> str:
    days = service.cycle_days or ""
    if not service.times:
        said = text(f"service.total_per_{service.per}", language, days=days)
    else:
        times = plural("service.times", service.times, language)
        said = text(f"service.times_per_{service.per}", language, times=times, days=days)
    if service.days:
        names = text("service.weekday_plural", language).split("|")
        on = and_list((names[WEEKDAYS.index(day)] for day in service.days), language)
        said = text("service.on_days", language, how_often=said, days=on)
    if service.weeks_on and service.weeks_cycle:
        said = text(
            "service.in_weeks",
            language,
            how_often=said,
            on=service.weeks_on,
            cycle=service.weeks_cycle,
        )
    return said


def _where(service: Service, language: str) -> list[str]:
    return [
        text(f"service.{value}", language) for value in (service.setting, service.delivery) if value
    ]
