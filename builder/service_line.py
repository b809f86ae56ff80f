"""An IEP service line in words, as the IEP writes it (used by the calculator and the letters)."""

from __future__ import annotations

from builder.case import Service
from builder.i18n import plural, text


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
    if not service.times:
        return text(f"service.total_per_{service.per}", language)
    times = plural("service.times", service.times, language)
    return text(f"service.times_per_{service.per}", language, times=times)


def _where(service: Service, language: str) -> list[str]:
    return [
        text(f"service.{value}", language) for value in (service.setting, service.delivery) if value
    ]
