from speakers.markdown import markdown_to_text, render_markdown


def test_render_markdown_keeps_formatting():
    assert render_markdown("Some *emphasis* and `code`.") == (
        "<p>Some <em>emphasis</em> and <code>code</code>.</p>"
    )


def test_render_markdown_removes_scripts_and_handlers():
    html = render_markdown(
        '<script>alert(1)</script><img src="x" onerror="alert(1)"><b onclick="x()">b</b>'
    )
    assert html == "<p><b>b</b></p>"


def test_render_markdown_drops_javascript_links():
    assert (
        render_markdown("[click](javascript:alert(1))")
        == '<p><a rel="nofollow noopener noreferrer">click</a></p>'
    )


def test_render_markdown_of_nothing_is_empty():
    assert render_markdown("") == ""


def test_markdown_to_text_keeps_paragraphs_and_drops_markup():
    text = markdown_to_text("A **bold** claim & more.\n\n- one\n- two\n\n<script>x()</script>")
    assert text == "A bold claim & more.\none\ntwo"
