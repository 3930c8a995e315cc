"""Issues described as a reader would: the problem most titles agree on, never a fragment,
what people ask for, full-width punctuation."""

from datetime import UTC, datetime

from massline.analysis.issues.summary import compose_summary, consensus_problem, full_width, shared_request


def test_the_problem_is_the_title_the_others_agree_with_not_the_first() -> None:
    titles = ["地铁3号线松雅站附近", "松雅站地下通道何时建设", "松雅站地下通道建设进度缓慢", "松雅站地下通道迟迟未建"]
    assert consensus_problem(titles) != titles[0]  # names a place, states no problem
    assert "地下通道" in consensus_problem(titles)


def test_a_fragment_left_by_cutting_a_place_is_never_chosen_when_a_whole_title_exists() -> None:
    assert consensus_problem(["和交汇处建地下通道", "强烈建议将地铁7号线南延至", "交汇处红绿灯时间太短"]) == "交汇处红绿灯时间太短"


def test_a_title_naming_a_suggestion_loses_to_one_stating_the_problem() -> None:
    titles = ["110kv高压线的建议", "沿线架设110kv高压电线没用地埋方式", "架设110kv高压电线杆的意见"]
    assert consensus_problem(titles) == "沿线架设110kv高压电线没用地埋方式"


def test_the_shared_request_is_what_several_ask_and_never_someone_elses_demand() -> None:
    texts = [
        "小区旁建了搅拌站。恳请将搅拌站搬离居民区。",
        "噪音太大，希望相关部门将搅拌站搬离小区",
        "开发商要求业主购买车位，请尽快处理",  # the developer's demand, then a formula: no request
    ]
    assert shared_request(texts) in {"将搅拌站搬离居民区", "将搅拌站搬离小区"}
    assert shared_request(texts[2:] * 3) == ""
    assert shared_request(["恳请将搅拌站搬离居民区", "希望修好门口的路灯"]) == ""  # nobody else asks the same


def test_summary_reads_as_one_clean_sentence() -> None:
    text = compose_summary("杨美公园建变电站,合理吗?", datetime(2019, 10, 3, tzinfo=UTC), 3, "取消变电站选址")
    assert text == "自2019年10月起，3位群众反映杨美公园建变电站，合理吗？群众要求取消变电站选址。"
    assert compose_summary("人才购房补贴的疑问", None, 4, "", "A市职工") == "4位A市职工反映人才购房补贴的疑问。"
    assert full_width('"食在我家"饭店油烟扰民,') == "“食在我家”饭店油烟扰民"
