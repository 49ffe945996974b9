import pytest

from jusoor.library.demo import load_library_demo
from jusoor.library.models import Resource, ResourceVersion
from jusoor.library.search import search
from jusoor.library.tests.test_search import ANON

pytestmark = pytest.mark.django_db


def test_the_demo_library_has_forty_labelled_resources_and_loads_once(world):
    load_library_demo(world.project)
    load_library_demo(world.project)
    assert Resource.objects.count() == 40
    assert not Resource.objects.filter(is_demo=False).exists()
    assert Resource.objects.filter(language="ar").exists()
    assert Resource.objects.filter(language="en").exists()


def test_the_demo_files_have_their_text_extracted_and_found(world):
    load_library_demo(world.project)
    pdfs = ResourceVersion.objects.filter(file_format="pdf")
    words = ResourceVersion.objects.filter(file_format="docx")
    assert pdfs.count() >= 5 and words.count() >= 4
    assert all(v.text_status == "extracted" for v in [*pdfs, *words])
    assert "تجريبي" in pdfs.first().text
    titles = [hit.resource.title_en for hit in search(ANON, "مؤتمر الرمادي").hits]
    assert "Report of the Prevention and Response Conference in Ramadi" in titles
