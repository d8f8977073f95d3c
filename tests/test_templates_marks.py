"""What templates mark for the user's next step, given the context a view passes."""

from django.template.loader import render_to_string

from timesheets import selectors


def week_html(rf, entry, **context):
    request = rf.get("/timesheets/")
    request.user = entry.user
    week = selectors.Week.of(entry.date)
    context = {
        "subject": entry.user,
        "own": True,
        "week": week,
        "days": selectors.week_days([entry], week),
        "total": entry.hours,
        "today": selectors.today(),
        "this_week": week,
        "week_url": "/timesheets/",
        **context,
    }
    return render_to_string("timesheets/week.html#week", context, request)


def test_the_saved_entry_is_marked_in_the_week_and_takes_the_focus(world, rf):
    html = week_html(rf, world.entry, highlight=world.entry.pk)
    assert f'<li class="entry highlight" id="entry-{world.entry.pk}" data-focus>' in html


def test_without_a_saved_entry_no_entry_is_marked(world, rf):
    html = week_html(rf, world.entry)
    assert f'<li class="entry" id="entry-{world.entry.pk}">' in html
    assert "highlight" not in html and "data-focus" not in html
