"""Every figure's id, title, unit and definition: the words printed next to each number.

The ids are stable (the JSON, the drill-down and the web workbench use them). A definition says
exactly which persons or files are counted, so a reader can recount any figure row by row
with ``unsealed stats --explain ID``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Figure:
    id: str
    title: str
    unit: str  # persons | years | months | photos | documents
    definition: str
    dimension: str | None = None  # what the breakdown's keys are; None without a breakdown


_PERSON = ("a person named in a person table (spreadsheet, CSV or a table typed into a document) or shown "
           "by a photo whose file name, folder or metadata gives their ID number, counted once however "
           "many sources name them (one valid ID number = one person)")
_DETAINED = ("named in a row of a detention list (a person table with a detention date, status, sentence, "
             "facility or cell column, not a staff roster or a relatives list) that gives one of those for "
             "this person")
_AGE = ("completed years from the birth date (the ID number's, else as written) to the detention date most "
        "lists give, or to the date of the person's earliest photo when no list gives a detention date")
_GENDER = "split by gender (male/female from the ID number's 17th digit, else as written; unknown when neither)"

FIGURES: tuple[Figure, ...] = (
    Figure("people", "People", "persons",
           f"people = {_PERSON}; guards and officials named on staff rosters are not counted here unless "
           "also detained or photographed (see staff). "
           + _GENDER, "gender"),
    Figure("staff", "Staff on rosters", "persons",
           "staff = persons named in a roster of police or staff (a table with a badge number or post column)",
           "gender"),
    Figure("detained", "Detained", "persons", f"detained = {_DETAINED}. {_GENDER}", "gender"),
    Figure("photographed", "Photographed", "persons",
           "photographed = persons linked to at least one photo by the ID number in its file name, folder "
           f"or metadata (exact and near-duplicate copies count once per person). {_GENDER}", "gender"),
    Figure("photographed_and_detained", "Photographed and detained", "persons",
           f"persons counted in both photographed and detained. {_GENDER}", "gender"),
    Figure("photographed_in_no_table", "Photographed, named in no table", "persons",
           "photographed persons that no person table names: only their photos carry their ID number. "
           + _GENDER, "gender"),
    Figure("minors_at_detention", "Minors at detention", "persons",
           f"minor = detained and under 18 on the date of detention (age at detention = {_AGE}). {_GENDER}",
           "gender"),
    Figure("youngest_age", "Youngest at detention", "years",
           f"the lowest age at detention of any detained person (age at detention = {_AGE}); "
           "every person of that age is listed with the source of the date"),
    Figure("oldest_age", "Oldest at detention", "years",
           f"the highest age at detention of any detained person (age at detention = {_AGE}); "
           "every person of that age is listed with the source of the date"),
    Figure("age_at_detention", "Age at detention", "persons",
           f"detained persons whose age at detention is known, by 5-year age group and gender; age = {_AGE}",
           "age group"),
    Figure("ethnicity", "Ethnicity", "persons",
           "people by ethnicity (民族) as most of their sources write it; 'detained' counts the detained among "
           "them; persons no source gives an ethnicity for are counted as unknown", "ethnicity"),
    Figure("reasons", "Reasons for detention", "persons",
           "detained persons by the reason their sources give most often, with wordings that say the same "
           "thing grouped under one label (each group lists the wordings it holds and how many persons "
           "each); wordings no rule knows stay their own group; detained persons without a reason are "
           "counted as unknown", "reason"),
    Figure("sentences", "Sentence lengths", "persons",
           "detained persons by the prison term (刑期) their sources give most often, read as months "
           "(10年 = 120; 5年6个月 = 66; 一年零六个月 = 18); life (无期) and death sentences are counted "
           "apart and left out of the mean and median; terms that cannot be read are listed as written; "
           "detained persons whose sources give no sentence are counted as unknown",
           "sentence"),
    Figure("statuses", "Status", "persons",
           "detained persons by the status (状态, e.g. 在押, 已判) their sources give most often", "status"),
    Figure("facilities", "Facilities", "persons",
           "detained persons by the facility (看守所, 拘留所, 教育培训中心...) their sources give most often",
           "facility"),
    Figure("detentions_by_month", "Detentions by month", "persons",
           "detained persons by the month of their detention date (the date most lists give, earliest on "
           "a tie); detained persons without a detention date are counted as unknown", "month"),
    Figure("photos_by_month", "Photos by month", "photos",
           "photo files linked to a person by the month they were taken (EXIF DateTimeOriginal, else "
           "EXIF DateTime, else the time in the file name); each file counts once, whoever it shows; "
           "copies of the same photo at other paths count as files", "month"),
    Figure("documents", "Documents by type and year", "documents",
           "files other than images and archives (archive members included) by type and by the year of "
           "the date they record themselves (metadata 'created', else 'modified'); files that record no "
           "date are 'undated' (file-system times are not used: copying changes them)", "type/year"),
)
BY_ID: dict[str, Figure] = {f.id: f for f in FIGURES}
COUNT_FIGURES = ("people", "staff", "detained", "photographed", "photographed_and_detained",
                 "photographed_in_no_table", "minors_at_detention")
GENDERS = ("male", "female", "unknown")
