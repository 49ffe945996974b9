import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jusoor.core.models import AuditEvent
from jusoor.events.models import Meeting
from jusoor.people.models import ImportBatch, Person
from jusoor.people.tests.builders import in_english, make_person

SHEET = [
    ["الاسم", "رقم الهاتف", "الجنس", "العمر", "المنطقة"],
    ["فاطمة علي حسن", "0780 123 4567", "أنثى", "24", ""],
    ["عبدالله محمد حسين الدليمي", "+964 770 123 4567", "ذكر", "30", ""],
    ["عمر خالد جاسم", "٠٧٩٠١١١٢٢٢٣", "ذكر", "45", ""],
]


def _csv(rows, encoding="utf-8"):
    text = "\n".join(",".join(r) for r in rows) + "\n"
    return SimpleUploadedFile("list.csv", text.encode(encoding), content_type="text/csv")


def _upload(client, upload, **extra):
    return client.post(
        reverse("people:import_upload", args=["shams"]), {"file": upload, "consent": "on", **extra}
    )


def test_windows_1256_csv_with_arabic_headers_is_read_and_columns_are_guessed(client, world):
    client.force_login(world.users["shams_facilitator"])
    # Windows-1256 has no Eastern Arabic digits: Excel writes them as Western ones.
    rows = [[cell.replace("٠٧٩٠١١١٢٢٢٣", "07901112223") for cell in row] for row in SHEET]
    response = _upload(client, _csv(rows, "cp1256"))
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert batch.mapping == {"name": 0, "phone": 1, "sex": 2, "age": 3, "area": 4}
    page = client.get(response["Location"]).content.decode()
    assert "فاطمة علي حسن" in page


def test_preview_names_the_row_and_column_of_each_problem_and_import_writes_nothing(client, world):
    rows = [*SHEET, ["سارة", "12345", "غير معروف", "abc", "مدينة الخيال"]]
    client.force_login(world.users["shams_facilitator"])
    _upload(client, _csv(rows))
    batch = ImportBatch.objects.get()
    with in_english(client):
        page = client.get(reverse("people:import_preview", args=[batch.pk])).content.decode()
        response = client.post(reverse("people:import_commit", args=[batch.pk]), follow=True)
    assert "Row 5, column “رقم الهاتف”" in page
    assert "Row 5, column “الجنس”" in page
    assert "Row 5, column “العمر”" in page
    assert "Row 5, column “المنطقة”" in page
    assert "Nothing was imported" in response.content.decode()
    assert Person.objects.count() == 0


def test_import_matches_people_already_in_the_registry_and_writes_the_rest(client, world):
    known = make_person(world.shams, name="عبد الله محمد حسين الدليمي", phone="07701234567")
    meeting = Meeting.objects.create(organisation=world.shams, title="اجتماع", date="2023-08-01")
    client.force_login(world.users["shams_facilitator"])
    _upload(client, _csv(SHEET), meeting=meeting.pk)
    batch = ImportBatch.objects.get()
    page = client.get(reverse("people:import_preview", args=[batch.pk])).content.decode()
    assert known.code in page
    client.post(reverse("people:import_commit", args=[batch.pk]))
    assert Person.objects.count() == 3  # two new, one matched
    assert set(meeting.attendees.all()) == set(Person.objects.all())
    fatima = next(p for p in Person.objects.all() if p.name == "فاطمة علي حسن")
    assert fatima.sex == "f" and fatima.age_band == "18-24" and fatima.consents.exists()
    batch.refresh_from_db()
    assert batch.status == "done" and "فاطمة" not in batch.content
    assert AuditEvent.objects.filter(action="people.import").exists()


def test_excel_sheet_with_a_mapping_chosen_by_hand_is_imported(client, world):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [["Participant", "Mob", "Gender"], ["Ali Hassan", "07701112233", "male"]]:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    upload = SimpleUploadedFile("sheet.xlsx", data.getvalue())
    client.force_login(world.users["shams_facilitator"])
    _upload(client, upload)
    batch = ImportBatch.objects.get()
    client.post(
        reverse("people:import_preview", args=[batch.pk]), {"name": "0", "phone": "1", "sex": "2"}
    )
    client.post(reverse("people:import_commit", args=[batch.pk]))
    person = Person.objects.get()
    assert person.name == "Ali Hassan" and person.sex == "m"


def test_a_file_that_is_neither_excel_nor_csv_is_refused_with_a_message(client, world):
    client.force_login(world.users["shams_facilitator"])
    with in_english(client):
        response = _upload(client, SimpleUploadedFile("notes.docx", b"PK"))
    assert "Upload an Excel file" in response.content.decode()
