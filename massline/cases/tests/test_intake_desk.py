"""The operator's intake desk: who may open it, entering a phone demand, the caller's history, the
knowledge base beside the form and "answer directly and close"."""

import re

import pytest
from django.urls import reverse

from massline.audit.models import AuditEvent
from massline.cases.choices import CaseStatus, CaseType, Channel, EventKind
from massline.cases.models import Case, KnowledgeArticle
from massline.cases.services.intake import case_submit
from massline.org import services as org_services
from massline.org.choices import Role

DESK = reverse("cases_intake:desk")


@pytest.fixture
def operator(org):
    return org_services.official_create(
        username="operator",
        password="Persona-Lantern-2048",
        grants=[org_services.Grant(role=Role.OPERATOR, unit=org.centre)],
        by=None,
    )


@pytest.fixture
def article(db):
    return KnowledgeArticle.objects.create(
        question="社保卡丢了怎么补办？",
        answer="携带身份证到任一社保网点办理，当场可取。",
        keywords="社保卡 挂失 补办",
    )


def desk_data(client, **changes):
    page = client.get(DESK).content.decode()
    key = re.search(r'name="idempotency_key" value="(\w+)"', page).group(1)
    data = {
        "citizen_phone": "13800001111",
        "citizen_name": "张三",
        "channel": Channel.PHONE,
        "type": CaseType.CONSULTATION,
        "category": "",
        "urgency": "normal",
        "title": "社保卡丢了",
        "description": "来电人社保卡丢失，询问如何补办。",
        "idempotency_key": key,
    }
    data.update(changes)
    return data


def test_anonymous_visitors_are_sent_to_login(client, db):
    response = client.get(DESK)
    assert response.status_code == 302 and reverse("web:login") in response["Location"]


@pytest.mark.parametrize("persona", ["citizen", "outsider", "officer_a", "supervisor"])
def test_only_the_centres_operators_and_dispatchers_may_open_it(client_for, persona):
    for url in (DESK, reverse("cases_intake:caller"), reverse("cases_intake:knowledge")):
        assert client_for(persona).get(url).status_code == 403


@pytest.mark.parametrize("persona", ["operator", "dispatcher", "admin_user"])
def test_operators_dispatchers_and_administrators_open_it(client_for, persona):
    page = client_for(persona).get(DESK)
    assert page.status_code == 200
    body = page.content.decode()
    assert "autofocus" in body and 'accesskey="p"' in body and 'accesskey="r"' in body


def test_an_operator_registers_a_phone_demand(client_for, operator):
    client = client_for(operator)
    response = client.post(DESK, desk_data(client, type=CaseType.COMPLAINT))
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.channel, case.status, case.created_by) == (Channel.PHONE, CaseStatus.RECEIVED, operator)
    assert case.citizen.phone == "+8613800001111"
    assert case.tracking_code in client.get(DESK).content.decode()  # the success message


def test_the_desk_refuses_bad_input_and_saves_nothing(client_for, operator):
    client = client_for(operator)
    response = client.post(DESK, desk_data(client, citizen_phone="abc"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "does not look like a phone number" in response.content.decode()
    assert not Case.objects.exists()


def test_the_callers_earlier_demands_appear_by_phone(client_for, operator):
    earlier = case_submit(
        type=CaseType.HELP, title="楼道灯坏了", description="d", citizen_phone="13800001111", by=operator
    )
    case_submit(
        type=CaseType.HELP, title="别人的诉求", description="d", citizen_phone="13900002222", by=operator
    )
    client = client_for(operator)
    body = client.get(reverse("cases_intake:caller"), {"citizen_phone": "138-0000-1111"}).content.decode()
    assert earlier.tracking_code in body and "楼道灯坏了" in body and "别人的诉求" not in body
    assert AuditEvent.objects.filter(action="personal_data.lookup", actor_id=operator.pk).exists()
    nothing = client.get(
        reverse("cases_intake:caller"), {"citizen_phone": "13700000000"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "No earlier demand" in nothing.content.decode()


def test_the_knowledge_base_answers_beside_the_form(client_for, operator, article):
    client = client_for(operator)
    body = client.get(
        reverse("cases_intake:knowledge"), {"title": "社保卡丢失", "description": ""}
    ).content.decode()
    assert "社保卡丢了怎么补办" in body
    assert f'name="answer_with" value="{article.pk}"' in body and 'form="intake-form"' in body


def test_answer_directly_and_close(client_for, operator, article):
    client = client_for(operator)
    response = client.post(DESK, desk_data(client, answer_with=str(article.pk)))
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.status == CaseStatus.REPLIED and case.reply == article.answer
    assert case.events.filter(kind=EventKind.ANSWERED_DIRECTLY).exists()


def test_answering_a_complaint_directly_saves_nothing(client_for, operator, article):
    client = client_for(operator)
    response = client.post(
        DESK,
        desk_data(client, type=CaseType.COMPLAINT, answer_with=str(article.pk)),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "dispatch this demand" in response.content.decode()
    assert not Case.objects.exists()
