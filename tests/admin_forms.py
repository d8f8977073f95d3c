"""Posting a Django admin change form as platform staff would: every field as the
page shows it, the inlines' management forms included, with some values changed."""


def change_form_data(client, url, **changes):
    response = client.get(url)
    assert response.status_code == 200
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            data[form.add_prefix(name)] = "" if value is None else value
    data.update(changes)
    return data
