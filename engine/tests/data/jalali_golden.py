#!/usr/bin/env python3
"""Writes jalali_golden.csv, the oracle for engine/src/calendar.rs (run once; the output is committed).

Dates come from PyPI's persiantools (pip install persiantools), which matched ICU4X on every day
from 1700 to 2500. Rows: every day of 2015-2035, the days around Nowruz of every year 1800-2400
(where the leap rule shows), and every 41st day from 1700 to 2500. The last rows, `leap,Y,0|1`,
say whether Jalali year Y has a 30th of Esfand, for 1200-1600.
"""
import datetime
from persiantools.jdatetime import JalaliDate

rows = set()
day = datetime.date(2015, 1, 1)
while day <= datetime.date(2035, 12, 31):
    rows.add(day)
    day += datetime.timedelta(days=1)
for y in range(1800, 2401):
    for d in range(18, 24):
        rows.add(datetime.date(y, 3, d))
day = datetime.date(1700, 1, 1)
while day <= datetime.date(2500, 12, 31):
    rows.add(day)
    day += datetime.timedelta(days=41)

with open("jalali_golden.csv", "w") as f:
    f.write("# gregorian,jalali (persiantools); leap,year,0|1 (Jalali leap years)\n")
    for g in sorted(rows):
        j = JalaliDate(g)
        f.write(f"{g.isoformat()},{j.year:04d}-{j.month:02d}-{j.day:02d}\n")
    for y in range(1200, 1601):
        f.write(f"leap,{y},{1 if JalaliDate.is_leap(y) else 0}\n")
