from churnguard.widgets import FastSelect


def test_fast_select_escapes_labels_and_values_and_marks_the_choice():
    widget = FastSelect(choices=[("", "All"), ("a&b", "<b>Bold</b>"), ("FR", "France")])
    html = widget.render("country", "FR", attrs={"id": "id_country", "required": True})
    assert html.startswith('<select name="country" id="id_country" required>')
    assert '<option value="a&amp;b">&lt;b&gt;Bold&lt;/b&gt;</option>' in html
    assert '<option value="FR" selected>France</option>' in html
    assert html.count(" selected") == 1


def test_fast_select_with_no_value_selects_the_empty_choice():
    html = FastSelect(choices=[("", "All"), ("FR", "France")]).render("country", None)
    assert '<option value="" selected>All</option><option value="FR">France</option>' in html
