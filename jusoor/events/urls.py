from django.urls import path

from jusoor.events import pdf_views, public_views, views

app_name = "events"

ORG = "workspace/organisations/<slug:slug>/"

urlpatterns = [
    # meetings and their takeaways
    path(ORG + "meetings/", views.meeting_list, name="meeting_list"),
    path(ORG + "meetings/new/", views.meeting_create, name="meeting_create"),
    path("workspace/meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("workspace/meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path(
        "workspace/meetings/<int:pk>/attendees/",
        views.meeting_attendees,
        name="meeting_attendees",
    ),
    path(
        "workspace/meetings/<int:pk>/stakeholders/",
        views.meeting_stakeholders,
        name="meeting_stakeholders",
    ),
    path(
        "workspace/meetings/<int:pk>/takeaways/new/",
        views.meeting_takeaway_add,
        name="meeting_takeaway_add",
    ),
    path(ORG + "takeaways/", views.takeaway_list, name="takeaway_list"),
    # events, sessions, registration, check-in
    path(ORG + "events/", views.event_list, name="event_list"),
    path(ORG + "events/new/", views.event_create, name="event_create"),
    path("workspace/events/<int:pk>/", views.event_detail, name="event"),
    path("workspace/events/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("workspace/events/<int:pk>/sessions/new/", views.session_create, name="session_create"),
    path(
        "workspace/sessions/<int:pk>/takeaways/new/",
        views.session_takeaway_add,
        name="session_takeaway_add",
    ),
    path("workspace/events/<int:pk>/quotas/", views.quotas, name="quotas"),
    path("workspace/events/<int:pk>/registrations/", views.registrations, name="registrations"),
    path(
        "workspace/registrations/<int:pk>/cancel/",
        views.registration_cancel,
        name="registration_cancel",
    ),
    path("workspace/events/<int:pk>/walk-in/", views.walk_in, name="walk_in"),
    path("workspace/events/<int:pk>/check-in/", views.check_in, name="check_in"),
    path("workspace/events/<int:pk>/feedback/", views.feedback_results, name="feedback_results"),
    path("workspace/feedback/<int:pk>/review/", views.feedback_review, name="feedback_review"),
    # outputs
    path(
        "workspace/events/<int:pk>/commitments/new/",
        views.commitment_create,
        name="commitment_create",
    ),
    path("workspace/commitments/<int:pk>/", views.commitment_detail, name="commitment"),
    path(ORG + "media/", views.media_list, name="media_list"),
    path(ORG + "media/new/", views.media_create, name="media_create"),
    path("workspace/projects/<int:pk>/reach/", views.project_reach, name="project_reach"),
    # printed documents
    path(
        "workspace/events/<int:pk>/attendance-sheet.pdf",
        pdf_views.attendance_sheet,
        name="attendance_sheet",
    ),
    path("workspace/events/<int:pk>/badges.pdf", pdf_views.badges, name="badges"),
    path(
        "workspace/registrations/<int:pk>/certificate.pdf",
        pdf_views.certificate,
        name="certificate",
    ),
    # public, no account needed
    path("e/<slug:slug>/", public_views.public_event, name="public_event"),
    path("e/<slug:slug>/register/", public_views.register, name="register"),
    path("e/<slug:slug>/r/<str:code>/", public_views.confirmation, name="confirmation"),
    path("e/<slug:slug>/feedback/<str:code>/", public_views.feedback, name="feedback"),
]
