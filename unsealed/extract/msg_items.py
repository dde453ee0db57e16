"""Fields of Outlook items that are not mail: contacts, appointments and meetings, tasks.

Their main content sits in properties rather than in the body (a contact's names, phone
numbers and addresses; an appointment's place and time), so they are shown as
``Label: value`` lines on the item's page, searchable like the body, and the key ones
are also kept as metadata.
"""

from __future__ import annotations

from unsealed.extract.msg_props import PSETID_ADDRESS, PSETID_APPOINTMENT, PSETID_TASK, Properties, iso

# Contact properties ([MS-OXOCNTC]) stored under fixed ids.
_CONTACT = (
    (0x3001, "Name"), (0x3A45, "Title"), (0x3A06, "Given name"), (0x3A44, "Middle name"), (0x3A11, "Surname"),
    (0x3A05, "Generation"), (0x3A4F, "Nickname"), (0x3A0A, "Initials"), (0x3A16, "Company"),
    (0x3A17, "Job title"), (0x3A18, "Department"), (0x3A19, "Office"), (0x3A4E, "Manager"),
    (0x3A30, "Assistant"), (0x3A40, "Spouse"), (0x3A08, "Business phone"), (0x3A1B, "Business phone 2"),
    (0x3A09, "Home phone"), (0x3A2F, "Home phone 2"), (0x3A1C, "Mobile phone"), (0x3A1A, "Primary phone"),
    (0x3A1E, "Car phone"), (0x3A1F, "Other phone"), (0x3A21, "Pager"), (0x3A2E, "Assistant phone"),
    (0x3A24, "Business fax"), (0x3A25, "Home fax"), (0x3A15, "Postal address"), (0x3A29, "Street"),
    (0x3A27, "City"), (0x3A28, "State"), (0x3A2A, "Postal code"), (0x3A26, "Country"),
    (0x3A5D, "Home street"), (0x3A59, "Home city"), (0x3A5C, "Home state"), (0x3A5B, "Home postal code"),
    (0x3A5A, "Home country"), (0x3A51, "Web page"), (0x3A50, "Personal web page"), (0x3A00, "Account"),
    (0x3A0B, "Callback phone"), (0x3A4B, "Computer network"), (0x3A49, "Customer id"),
)
# Contact properties that are named ([MS-OXOCNTC] PSETID_Address).
_CONTACT_NAMED = (
    (0x8005, "File as"), (0x8083, "E-mail"), (0x8080, "E-mail name"), (0x8093, "E-mail 2"),
    (0x8090, "E-mail 2 name"), (0x80A3, "E-mail 3"), (0x80A0, "E-mail 3 name"), (0x801B, "Work address"),
    (0x801A, "Home address"), (0x801C, "Other address"), (0x8062, "IM address"),
)
_TASK_STATUS = {0: "not started", 1: "in progress", 2: "complete", 3: "waiting on someone else", 4: "deferred"}


def item_fields(props: Properties, message_class: str) -> tuple[list[str], dict[str, str]]:
    """``Label: value`` lines and metadata for a contact, appointment or task; empty for mail."""
    kind = message_class.lower()
    if kind.startswith(("ipm.contact", "ipm.distlist")):
        return _contact(props)
    if kind.startswith(("ipm.appointment", "ipm.schedule.meeting")):
        return _appointment(props)
    if kind.startswith("ipm.task"):
        return _task(props)
    return [], {}


def _contact(props: Properties) -> tuple[list[str], dict[str, str]]:
    lines: list[str] = []
    seen: set[str] = set()
    values: dict[str, str] = {}
    fields = [(label, props.string(pid)) for pid, label in _CONTACT]
    fields += [(label, props.named_string(PSETID_ADDRESS, lid)) for lid, label in _CONTACT_NAMED]
    for label, value in fields:
        value = (value or "").strip()
        if not value:
            continue
        values[label] = value
        shown = value.replace("\r\n", "\n").replace("\n", ", ")
        if (label, shown) not in seen:
            seen.add((label, shown))
            lines.append(f"{label}: {shown}")
    birthday = iso(props.time(0x3A42))
    if birthday:
        lines.append(f"Birthday: {birthday[:10]}")
    meta = {}
    if values.get("Name"):
        meta["contact_name"] = values["Name"]
    emails = [values[k] for k in ("E-mail", "E-mail 2", "E-mail 3") if values.get(k)]
    if emails:
        meta["contact_email"] = ", ".join(emails)
    if values.get("Company"):
        meta["company"] = values["Company"]
    return lines, meta


def _appointment(props: Properties) -> tuple[list[str], dict[str, str]]:
    location = (props.named_string(PSETID_APPOINTMENT, 0x8208) or "").strip()
    start = iso(props.named_time(PSETID_APPOINTMENT, 0x820D) or props.time(0x0060))
    end = iso(props.named_time(PSETID_APPOINTMENT, 0x820E) or props.time(0x0061))
    meta = {k: v for k, v in (("location", location), ("start", start), ("end", end)) if v}
    lines = [f"{k.capitalize()}: {v}" for k, v in meta.items()]
    return lines, meta


def _task(props: Properties) -> tuple[list[str], dict[str, str]]:
    meta: dict[str, str] = {}
    start = iso(props.named_time(PSETID_TASK, 0x8104))
    due = iso(props.named_time(PSETID_TASK, 0x8105))
    done = iso(props.named_time(PSETID_TASK, 0x810F))
    status = props.named_number(PSETID_TASK, 0x8101)
    percent = props.named_number(PSETID_TASK, 0x8102)
    owner = (props.named_string(PSETID_TASK, 0x811F) or "").strip()
    for key, value in (("start", start), ("due", due), ("completed", done), ("owner", owner)):
        if value:
            meta[key] = value
    if status is not None:
        meta["status"] = _TASK_STATUS.get(int(status), str(int(status)))
    if percent is not None:
        meta["percent_complete"] = f"{percent * 100:.0f}" if percent <= 1 else f"{percent:.0f}"
    lines = [f"{key.replace('_', ' ').capitalize()}: {value}" for key, value in meta.items()]
    return lines, meta
