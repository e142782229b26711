#!/usr/bin/env python3
"""Writes a synthetic Apple Health export.xml of realistic shape, for benchmarks.

    python3 tools/apple_health_generator.py --size 1G --out /tmp/export.xml

The file has what real exports have: the inline DTD (with comments) in the DOCTYPE, ExportDate,
Me, mostly HeartRate / StepCount / ActiveEnergyBurned / DistanceWalkingRunning /
BasalEnergyBurned records, SleepAnalysis category records, MetadataEntry children, blood-pressure
Correlation blocks, Workout elements, and TimeInDaylight records (from a Watch and, overlapping,
an iPhone) as a small part. Timestamps move day by day in a fixed offset that changes for
"summer". Deterministic (a fixed seed); no dependencies.
"""

import argparse
import random
import sys
from datetime import datetime, timedelta

DTD = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 13 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary|ClinicalRecord|Audiogram|VisionPrescription)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
<!ELEMENT ExportDate EMPTY>
<!ATTLIST ExportDate
  value CDATA #REQUIRED
>
<!ELEMENT Me EMPTY>
<!ATTLIST Me
  HKCharacteristicTypeIdentifierDateOfBirth         CDATA #REQUIRED
  HKCharacteristicTypeIdentifierBiologicalSex       CDATA #REQUIRED
  HKCharacteristicTypeIdentifierBloodType           CDATA #REQUIRED
  HKCharacteristicTypeIdentifierFitzpatrickSkinType CDATA #REQUIRED
  HKCharacteristicTypeIdentifierCardioFitnessMedicationsUse CDATA #REQUIRED
>
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record
  type          CDATA #REQUIRED
  unit          CDATA #IMPLIED
  value         CDATA #IMPLIED
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!-- Note: Any Records that appear as children of a correlation also appear as top-level records in this document. -->
<!ELEMENT Correlation ((MetadataEntry|Record)*)>
<!ATTLIST Correlation
  type          CDATA #REQUIRED
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!ELEMENT Workout ((MetadataEntry|WorkoutEvent|WorkoutRoute|WorkoutStatistics)*)>
<!ATTLIST Workout
  workoutActivityType   CDATA #REQUIRED
  duration              CDATA #IMPLIED
  durationUnit          CDATA #IMPLIED
  sourceName            CDATA #REQUIRED
  sourceVersion         CDATA #IMPLIED
  device                CDATA #IMPLIED
  creationDate          CDATA #IMPLIED
  startDate             CDATA #REQUIRED
  endDate               CDATA #REQUIRED
>
<!ELEMENT MetadataEntry EMPTY>
<!ATTLIST MetadataEntry
  key   CDATA #REQUIRED
  value CDATA #REQUIRED
>
]>
<HealthData locale="en_GB">
 <ExportDate value="2025-01-03 09:00:00 +0000"/>
 <Me HKCharacteristicTypeIdentifierDateOfBirth="1990-05-04" HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexNotSet" HKCharacteristicTypeIdentifierBloodType="HKBloodTypeNotSet" HKCharacteristicTypeIdentifierFitzpatrickSkinType="HKFitzpatrickSkinTypeNotSet" HKCharacteristicTypeIdentifierCardioFitnessMedicationsUse="None"/>
"""

WATCH = "Ana\u2019s Apple Watch"
PHONE = "Ana\u2019s iPhone"
WATCH_DEVICE = ("&lt;&lt;HKDevice: 0x300e2c2d0&gt;, name:Apple Watch, manufacturer:Apple Inc., "
                "model:Watch, hardware:Watch6,1, software:10.6.1, creation date:2024-09-18 "
                "11:38:51 +0000&gt;")
PHONE_DEVICE = ("&lt;&lt;HKDevice: 0x300e2c1e0&gt;, name:iPhone, manufacturer:Apple Inc., "
                "model:iPhone, hardware:iPhone14,5, software:18.1&gt;")


def parse_size(text):
    text = text.strip().upper()
    mult = 1
    for suffix, m in (("K", 1 << 10), ("M", 1 << 20), ("G", 1 << 30)):
        if text.endswith(suffix) or text.endswith(suffix + "B"):
            mult = m
            text = text.rstrip("B")[:-1]
            break
    return int(float(text) * mult)


def ts(t, offset):
    return t.strftime("%Y-%m-%d %H:%M:%S ") + offset


def record(kind, unit, value, source, device, start, end, offset, meta=()):
    head = (f' <Record type="{kind}" sourceName="{source}" sourceVersion="10.6.1" '
            f'device="{device}" unit="{unit}" creationDate="{ts(end, offset)}" '
            f'startDate="{ts(start, offset)}" endDate="{ts(end, offset)}" value="{value}"')
    if not meta:
        return head + "/>\n"
    body = "".join(f'  <MetadataEntry key="{k}" value="{v}"/>\n' for k, v in meta)
    return head + ">\n" + body + " </Record>\n"


def day_chunks(rng, day):
    """Everything one day of data contributes, as a list of strings."""
    offset = "+0100" if day.month in (4, 5, 6, 7, 8, 9, 10) else "+0000"
    out = []
    # Heart rate every ~5 minutes while awake, with motion-context metadata.
    t = day + timedelta(hours=7)
    while t < day + timedelta(hours=23):
        out.append(record("HKQuantityTypeIdentifierHeartRate", "count/min", rng.randint(55, 140),
                          WATCH, WATCH_DEVICE, t, t, offset,
                          (("HKMetadataKeyHeartRateMotionContext", rng.randint(0, 2)),)))
        t += timedelta(minutes=rng.randint(3, 7))
    for kind, unit, lo, hi, source, device in (
            ("HKQuantityTypeIdentifierStepCount", "count", 10, 900, PHONE, PHONE_DEVICE),
            ("HKQuantityTypeIdentifierActiveEnergyBurned", "kcal", 1, 40, WATCH, WATCH_DEVICE),
            ("HKQuantityTypeIdentifierDistanceWalkingRunning", "km", 0.01, 0.8, PHONE, PHONE_DEVICE),
            ("HKQuantityTypeIdentifierBasalEnergyBurned", "kcal", 10, 40, WATCH, WATCH_DEVICE)):
        t = day + timedelta(hours=7)
        while t < day + timedelta(hours=22):
            end = t + timedelta(minutes=rng.randint(1, 10))
            value = rng.randint(lo, hi) if isinstance(lo, int) else round(rng.uniform(lo, hi), 5)
            out.append(record(kind, unit, value, source, device, t, end, offset))
            t = end + timedelta(minutes=rng.randint(5, 30))
    # Sleep: a category record across midnight.
    start = day - timedelta(hours=1, minutes=rng.randint(0, 59))
    out.append(f' <Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="{WATCH}" '
               f'sourceVersion="10.6.1" device="{WATCH_DEVICE}" creationDate="{ts(day, offset)}" '
               f'startDate="{ts(start, offset)}" endDate="{ts(day + timedelta(hours=7), offset)}" '
               f'value="HKCategoryValueSleepAnalysisAsleepCore">\n'
               f'  <MetadataEntry key="HKTimeZone" value="Europe/London"/>\n </Record>\n')
    # Daylight: a few Watch intervals, the iPhone overlapping some of them.
    for _ in range(rng.randint(2, 8)):
        t = day + timedelta(hours=rng.randint(7, 17), minutes=rng.randint(0, 59))
        minutes = rng.randint(1, 40)
        end = t + timedelta(minutes=minutes)
        out.append(record("HKQuantityTypeIdentifierTimeInDaylight", "min", minutes, WATCH,
                          WATCH_DEVICE, t, end, offset,
                          (("HKMetadataKeyMaximumLightIntensity", f"{rng.randint(2000, 60000)} lx"),)))
        if rng.random() < 0.3:
            t2 = t + timedelta(minutes=minutes // 2)
            out.append(record("HKQuantityTypeIdentifierTimeInDaylight", "min", minutes, PHONE,
                              PHONE_DEVICE, t2, t2 + timedelta(minutes=minutes), offset))
    if rng.random() < 0.2:
        t = day + timedelta(hours=8)
        sys_v, dia_v = rng.randint(105, 135), rng.randint(65, 88)
        out.append(
            f' <Correlation type="HKCorrelationTypeIdentifierBloodPressure" sourceName="Omron" '
            f'creationDate="{ts(t, offset)}" startDate="{ts(t, offset)}" endDate="{ts(t, offset)}">\n'
            f'  <MetadataEntry key="HKWasUserEntered" value="1"/>\n'
            + record("HKQuantityTypeIdentifierBloodPressureSystolic", "mmHg", sys_v, "Omron", "",
                     t, t, offset).replace(" <Record", "  <Record")
            + record("HKQuantityTypeIdentifierBloodPressureDiastolic", "mmHg", dia_v, "Omron", "",
                     t, t, offset).replace(" <Record", "  <Record")
            + " </Correlation>\n")
    if rng.random() < 0.4:
        t = day + timedelta(hours=18)
        end = t + timedelta(minutes=35)
        out.append(
            f' <Workout workoutActivityType="HKWorkoutActivityTypeWalking" duration="35" '
            f'durationUnit="min" sourceName="{WATCH}" sourceVersion="10.6.1" '
            f'device="{WATCH_DEVICE}" creationDate="{ts(end, offset)}" '
            f'startDate="{ts(t, offset)}" endDate="{ts(end, offset)}">\n'
            f'  <MetadataEntry key="HKIndoorWorkout" value="0"/>\n'
            f'  <WorkoutStatistics type="HKQuantityTypeIdentifierDistanceWalkingRunning" '
            f'startDate="{ts(t, offset)}" endDate="{ts(end, offset)}" sum="2.8" unit="km"/>\n'
            f' </Workout>\n')
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="100M", help="target size, e.g. 200M or 1G")
    parser.add_argument("--out", default="export.xml", help="where to write (- for stdout)")
    parser.add_argument("--seed", type=int, default=20261125)
    args = parser.parse_args()
    target = parse_size(args.size)
    rng = random.Random(args.seed)
    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8")
    written = out.write(DTD)
    day = datetime(2015, 1, 1)
    days = 0
    while written < target:
        chunk = "".join(day_chunks(rng, day))
        written += len(chunk.encode("utf-8"))
        out.write(chunk)
        day += timedelta(days=1)
        days += 1
        if day.year >= 2025:  # keep dates in the past; wrap around
            day = datetime(2015, 1, 1)
    out.write("</HealthData>\n")
    if out is not sys.stdout:
        out.close()
    print(f"wrote {written / 1e6:.0f} MB, {days} days", file=sys.stderr)


if __name__ == "__main__":
    main()
