"""The charter head the hand-computed lifecycle, OLA and conversation tests share: an Oslo
desk open Mon–Fri 08–16 and Sunday 00–04 (so the nights the clocks change count), closed on
27 October 2026, with two priorities. Each test module adds its own promises."""

HEAD = """\
charter: 1
name: Ærlig Støtte AS
timezone: Europe/Oslo
calendars:
  office:
    hours: {mon-fri: "08:00-16:00", sun: "00:00-04:00"}
    holidays: {dates: ["2026-10-27"]}
channels:
  e-post: {calendar: office}
priorities: [urgent, normal]
"""
