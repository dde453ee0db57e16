import random

from unsealed.search.query import MAX_DEPTH, All, And, Not, Or, Path, Terms, Text, Type, parse, plan_text


def test_words_are_anded_and_or_binds_tighter():
    assert parse("开枪 张伟") == And((Text("开枪"), Text("张伟")))
    assert parse("开枪 张伟 OR 李娜") == And((Text("开枪"), Or((Text("张伟"), Text("李娜")))))
    assert parse("a AND b") == And((Text("a"), Text("b")))
    assert parse("(a OR b) c") == And((Or((Text("a"), Text("b"))), Text("c")))


def test_negation_forms():
    assert parse("警察 -开枪") == And((Text("警察"), Not(Text("开枪"))))
    assert parse("警察 NOT 开枪") == And((Text("警察"), Not(Text("开枪"))))
    assert parse('-"border control"') == Not(Text("border control", phrase=True))
    assert parse("e-mail") == Text("e-mail")  # a hyphen inside a word is not a negation


def test_phrases_with_ascii_and_chinese_quotes():
    assert parse('"border control"') == Text("border control", phrase=True)
    assert parse("“开枪镇压”") == Text("开枪镇压", phrase=True)
    assert parse("「收押」") == Text("收押", phrase=True)
    assert parse('"unclosed phrase') == Text("unclosed phrase", phrase=True)


def test_prefix_and_fields():
    assert parse("polic*") == Text("polic", prefix=True)
    assert parse("name:阿依古丽") == Text("阿依古丽")
    assert parse("NAME：阿依古丽") == Text("阿依古丽")  # full-width colon from a Chinese input method
    assert parse("path:2018-03") == Path("2018-03")
    assert parse('path:"my folder/*.pdf"') == Path("my folder/*.pdf")
    assert parse("type:pdf,XLSX") == Type(("pdf", "xlsx"))
    assert parse("http://x.org") == Text("http://x.org")  # not a field we know: just text


def test_lower_case_operators_are_words():
    assert parse("or and not") == And((Text("or"), Text("and"), Text("not")))


def test_empty_query_is_everything():
    assert parse("") == All()
    assert parse("   ") == All()


def test_any_input_parses():
    rng = random.Random(7)
    alphabet = ['"', "(", ")", "-", "*", ":", " ", "OR", "AND", "NOT", "a", "开", "path:", "type:", "“", "」", "||"]
    for _ in range(3000):
        q = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        node = parse(q)
        assert node is not None
    assert parse("OR") == Text("OR")
    assert parse("a OR") == Text("a")
    assert parse("((a") == Text("a")
    assert parse("a))") == Text("a")
    assert parse("NOT") == All()


def test_deep_nesting_is_flattened_not_a_crash():
    assert parse("(" * 3000 + "a" + ")" * 3000) == Text("a")
    node = parse("NOT " * 3000 + "a")
    depth = 0
    while isinstance(node, Not):
        node, depth = node.item, depth + 1
    assert node == Text("a") and depth <= MAX_DEPTH + 1


def test_plan_text_tokens_prefix_and_stem():
    assert plan_text(Text("开枪")) == Terms(("开", "枪"))
    assert plan_text(Text("阿依古丽·吐尔逊")) == plan_text(Text("阿依古丽吐尔逊"))
    assert plan_text(Text("张伟,")) == Terms(("张", "伟"))  # trailing punctuation of a bare word dropped
    assert plan_text(Text('"x"', phrase=True)).tokens == ('"', "x", '"')
    assert plan_text(Text("653121")) == Terms(("653121",), prefix=True)  # ID numbers match by prefix
    assert plan_text(Text("2018")) == Terms(("2018",))
    assert plan_text(Text("65312119900101123X")) == Terms(("65312119900101123x",), prefix=True)
    assert plan_text(Text("Police")) == Terms(("police",), stem="polic")
    assert plan_text(Text("Police", phrase=True)) == Terms(("police",))  # quoted: exact
    assert plan_text(Text("653121", phrase=True)) == Terms(("653121",))
    assert plan_text(Text("开", prefix=True)) == Terms(("开",))  # no prefix on a single character
    assert plan_text(Text("\u0640")) is None
    assert plan_text(Text("·")) is None
    assert plan_text(Text("·", phrase=True)) == Terms(("·",))
