import pytest

from massline.analysis.text.pii import find_pii, id_checksum_ok, luhn_ok, mask_name, redact

VALID_ID = "11010519491231002X"  # the GB 11643 standard's published example
VALID_CARD = "6222021234567890128"  # Luhn-valid


def kinds(text: str) -> list[str]:
    return [s.kind for s in find_pii(text)]


def test_checksums() -> None:
    assert id_checksum_ok(VALID_ID)
    assert not id_checksum_ok("110105194912310021")
    assert luhn_ok(VALID_CARD)
    assert not luhn_ok("6222021234567890123")


@pytest.mark.parametrize(
    ("text", "kind", "masked"),
    [
        ("电话13812345678谢谢", "phone", "电话138****5678谢谢"),
        ("电话：+86 138-1234-5678。", "phone", "电话：138****5678。"),
        ("手机 138 1234 5678", "phone", "手机 138****5678"),
        ("手机８６１３８１２３４５６７８", "phone", "手机138****5678"),
        ("座机0731-84567890转", "landline", "座机0731-****90转"),
        ("座机（010）62345678", "landline", "座机010-****78"),
        ("身份证" + VALID_ID + "，", "id_card", "身份证110***********002X，"),
        ("卡 6222 0212 3456 7890 128", "bank_card", "卡 ****0128"),
        ("转账到" + VALID_CARD, "bank_card", "转账到****0128"),
        ("发到abc.def@example.com吧", "email", "发到a***@example.com吧"),
        ("车牌湘A12345违停", "plate", "车牌湘A·***45违停"),
        ("车牌湘AD12345", "plate", "车牌湘A·***45"),
        ("京A·F0123", "plate", "京A·***23"),
    ],
)
def test_each_kind_found_and_masked_with_hint(text: str, kind: str, masked: str) -> None:
    assert kinds(text) == [kind]
    assert redact(text) == masked


def test_spans_point_into_original_text() -> None:
    text = "请联系１３８１２３４５６７８或邮件a@b.cn"
    for span in find_pii(text):
        assert text[span.start : span.end] == span.text


def test_id_with_wrong_check_digit_still_redacted() -> None:
    # Real birth date, wrong check digit: a mistyped ID is still an ID.
    assert kinds("身份证430102199003071235") == ["id_card"]


def test_18_digits_luhn_valid_but_not_an_id_is_a_card() -> None:
    number = "430102199003071236"  # ID-shaped, wrong check digit, Luhn-valid
    assert luhn_ok(number) and not id_checksum_ok(number)
    assert kinds(number) == ["bank_card"]
    assert redact(number) == "****1236"


def test_old_15_digit_id_only_with_context() -> None:
    assert kinds("身份证号码：430102900307123") == ["id_card"]
    assert kinds("编号430102900307123") == []


def test_card_failing_luhn_needs_context() -> None:
    assert kinds("流水号6222021234567890123") == []
    assert kinds("银行卡号6222021234567890123") == ["bank_card"]


@pytest.mark.parametrize(
    "text",
    [
        "2019年4月25日反映，20190425已回复",
        "时间2019-04-25 09:32:09",
        "预售坑我们18.5万，一个车位120000元",
        "住在3栋2单元1102室",
        "订单号2019042512345",  # 13 digits: too long for a phone, too short for a card
        "409线路和W176公交",
        "电话1381234567",  # 10 digits
        "编号138123456789",  # 12 digits, phone inside a longer run
        "A00074011 用户",
        "湘AB区和A5区",
        "西地省A市A3区联丰路米兰春天G2栋320",
        "110kv高压线，面积89.56平方米，12345热线",
        "2020年1月6日12:09:38",
    ],
)
def test_no_false_positives(text: str) -> None:
    assert find_pii(text) == []
    assert redact(text) == text


def test_phone_inside_email_reported_once_as_email() -> None:
    assert kinds("13812345678@163.com") == ["email"]


def test_several_in_one_text_sorted() -> None:
    text = "张先生13812345678，邮箱zhang@163.com，车湘A88888"
    assert kinds(text) == ["phone", "email", "plate"]
    assert "13812345678" not in redact(text)


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三", "张*"),
        ("李小明", "李*明"),
        ("欧阳娜娜", "欧**娜"),
        ("A00074011", "A00****11"),
        ("Tom", "T*m"),
        ("王", "*"),
        ("", ""),
    ],
)
def test_mask_name(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def test_mask_name_hides_length_of_long_ids() -> None:
    assert mask_name("A000102948").count("*") == mask_name("A00074011").count("*") == 4


# Every way of writing personal data that the public board must not show: the
# digits that redaction must hide, and the text around them that must stay.
ID_X = "11010519491231002X"
HIDDEN_FORMS = [
    ("电话13812345678", "13812345678"),
    ("电话138.1234.5678", "1234"),
    ("电话138/1234/5678", "1234"),
    ("电话138—1234—5678", "1234"),
    ("电话138–1234–5678", "1234"),
    ("电话138 - 1234 - 5678", "1234"),
    ("电话138、1234、5678", "1234"),
    ("电话138\u200b1234\u200b5678", "1234"),
    ("电话1\u20603\u200c8\u200d1\ufeff234\u00ad5678", "1234"),
    ("电话１３８１２３４５６７８", "１２３４"),
    ("电话１３８\u3000１２３４\u3000５６７８", "１２３４"),
    ("电话＋８６ １３８ １２３４ ５６７８", "１２３４"),
    ("电话¹³⁸¹²³⁴⁵⁶⁷⁸", "¹²³⁴"),
    ("电话①③⑧①②③④⑤⑥⑦⑧", "①②③④"),
    ("电话𝟏𝟑𝟖𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖", "𝟏𝟐𝟑𝟒"),
    ("电话138\u00a01234\u00a05678", "1234"),
    ("电话+86 138 1234 5678", "1234"),
    ("电话(+86)13812345678", "1234"),
    ("电话0086-13812345678", "1234"),
    ("座机0731-8888 6666", "8888"),
    ("座机0731.8888.6666", "8888"),
    ("座机(0731) 8888-6666", "8888"),
    ("座机０７３１－８８８８６６６６", "８８８８"),
    ("身份证110101 19900307 4578", "19900307"),
    ("身份证110101-19900307-4578", "19900307"),
    ("身份证1101 0119 9003 0745 78", "9003"),
    ("身份证" + ID_X, "19491231"),
    ("身份证" + ID_X.lower(), "19491231"),
    ("身份证11010519491231\u200b002X", "19491231"),
    ("身份证１１０１０５１９４９１２３１００２Ｘ", "１９４９１２３１"),
    ("卡号6222 0212 3456 7890 128", "3456"),
    ("卡号6222-0212-3456-7890-128", "3456"),
    ("卡号6222.0212.3456.7890.128", "3456"),
    ("转账到6222021234567890128", "3456"),
    ("邮箱zhang.san@example.com", "zhang.san"),
    ("邮箱zhang\u200b.san@example.com", "san"),
    ("邮箱ｚｈａｎｇｓａｎ＠ｅｘａｍｐｌｅ．ｃｏｍ", "ｚｈａｎｇｓａｎ"),
    ("微信：wxid_abc123", "wxid_abc123"),
    ("微信号 zhangsan88", "zhangsan88"),
    ("加我vx：zhangsan88", "zhangsan88"),
    ("WeChat: zhangsan88", "zhangsan88"),
    ("QQ：123456789", "123456789"),
    ("qq号 12345678", "12345678"),
    ("扣扣 1234 5678", "1234"),
]


@pytest.mark.parametrize(("text", "secret"), HIDDEN_FORMS)
def test_every_way_of_writing_personal_data_is_redacted(text: str, secret: str) -> None:
    redacted = redact(text + "，请尽快处理。")
    assert secret not in redacted and secret.replace("\u200b", "") not in redacted
    assert redacted.startswith(text[:2]) and redacted.endswith("，请尽快处理。")
    assert "*" in redacted
    for invisible in ("\u200b", "\u2060", "\u200c", "\u200d", "\ufeff", "\u00ad"):
        assert invisible not in redacted


def test_spans_of_numbers_with_invisible_characters_point_into_the_original() -> None:
    text = "电话138\u200b1234\u200b5678，谢谢"
    (span,) = find_pii(text)
    assert span.kind == "phone" and text[span.start : span.end] == span.text == "138\u200b1234\u200b5678"


@pytest.mark.parametrize(
    "text",
    [
        "2019.04.25已回复，2019/04/25又反映",
        "2019-04-25至2019-05-01",
        "水费13.5元，电费0.62元",
        "第1、2、3栋",
        "微信群里说的",
        "QQ群",
        "面积120.5平方米",
        "电话：请回电",
    ],
)
def test_separated_numbers_do_not_make_new_false_positives(text: str) -> None:
    assert find_pii(text) == []
    assert redact(text) == text
