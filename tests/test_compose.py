"""The answer types on purpose-made chunks (no index, milliseconds)."""

from assistant.answer.compose import Composer, Context
from assistant.answer.compose.single import DEFERS
from assistant.core.text import normalize_for_match
from assistant.domain import Chunk, DocumentMeta

DOC = DocumentMeta(doc_id="d", title="某市智能工厂和数字化车间奖励细则", source="x.md", kind="local_policy", region="宁波")


def _chunk(i, section, text, doc=DOC):
    return Chunk(chunk_id=f"c{i}", doc=doc, section=section, text=text, ord=i)


def _over(chunks, subject_terms=(), **context):
    """A composer whose index holds `chunks`, each document's in the order given."""
    by: dict = {}
    for c in chunks:
        by.setdefault(c.doc.doc_id, []).append(c)
    return Composer(Context(idf=lambda t: 2.0, doc_chunks=lambda d: by.get(d, []), subject_terms=subject_terms, **context))


CHUNKS = [
    _chunk(0, "二、奖励标准 > （一）", "（一）对新认定的数字化车间，按该车间数字化改造投入的10%给予奖励，单个车间最高不超过100万元。"),
    _chunk(1, "二、奖励标准 > （二）", "（二）对新认定的智能工厂，按智能化改造投入的10%给予奖励，单个工厂最高不超过300万元。"),
    _chunk(2, "三、申报材料", "三、申报材料\n企业应提交以下材料：\n（一）申请书；\n（二）营业执照复印件；\n（三）审计报告；\n（四）承诺书。"),
    _chunk(3, "四、其他", "具体申报时间另行通知。"),
]


def _composer() -> Composer:
    by_doc = {"d": CHUNKS}
    return Composer(Context(idf=lambda t: 2.0, doc_chunks=lambda d: by_doc.get(d, []), subject_terms=("数字化车间", "智能工厂")))


def test_a_figure_answer_cites_the_clause_about_the_asked_title():
    comp = _composer().compose("数字化车间最多奖励多少？", CHUNKS)
    assert "100万元" in comp.text and "300万元" not in comp.text and comp.chunks[0].chunk_id == "c0"


def test_a_calculation_shows_the_formula_with_every_term_cited():
    comp = _composer().compose("智能工厂改造投入5000万，能拿多少奖励？", CHUNKS)
    assert "5000万元 × 10% = 500万元[1]，超过上限300万元[1]，按上限计为300万元" in comp.text


def test_an_enumeration_lists_every_item():
    comp = _composer().compose("申报要准备哪些材料？", CHUNKS)
    assert all(x in comp.text for x in ("申请书", "营业执照", "审计报告", "承诺书"))


def test_not_specified_when_no_passage_states_the_figure():
    comp = _composer().compose("认定结果公示几天？", CHUNKS)
    assert comp.not_specified and "未明确" in comp.text and "万元" not in comp.text


def test_a_clause_that_defers_is_answered_as_not_specified():
    assert DEFERS.search(normalize_for_match("鼓励基础电信企业对5G工厂给予网络资费优惠，具体优惠幅度由各企业自主确定。"))
    assert DEFERS.search(normalize_for_match("具体申报时间另行通知。"))
    assert not DEFERS.search(normalize_for_match("按投资额的8%给予奖补，最高不超过200万元。"))


def test_a_comparison_is_a_table_with_one_row_per_document():
    other = DocumentMeta(doc_id="e", title="某省示范车间奖补办法", source="y.md", kind="local_policy", region="江苏")
    chunks = [CHUNKS[0], _chunk(9, "第六条", "对省级示范车间，按投资额的8%给予奖补，最高不超过200万元。", other)]
    comp = _composer().compose("宁波和江苏对数字化车间或示范车间的奖励封顶分别是多少？", chunks, compare_docs=True)
    lines = comp.text.splitlines()
    assert "| 地区 | 文件 | 相关规定 |" in lines and sum(1 for x in lines if x.startswith("| 宁波") or x.startswith("| 江苏")) == 2


def test_superlative_over_a_comparison():
    from assistant.answer.compose import superlative

    rows = [("浙江", "公示期为7个工作日。[1]"), ("广东", "公示期为10个工作日。[2]"), ("安徽", "公示期不少于10天。[3]")]
    assert superlative.extreme(rows, "duration", superlative.direction("哪个最短？")) == 0
    assert superlative.extreme(rows, "duration", superlative.direction("哪个最长？")) == 1
    money = [("安徽", "一次性奖励100万元。"), ("四川", "给予一次性奖励200万元。"), ("武汉", "奖励1.5亿元")]
    assert superlative.extreme(money, "amount", 1) == 2 and superlative.direction("哪个最高？") == 1
    # the field's money grammar throughout: 元 and 万 as written
    assert superlative.extreme([("甲", "每家补助5000元。"), ("乙", "每家补助1万元。")], "amount", 1) == 1


def test_an_enumeration_of_numbered_conditions_keeps_each_whole():
    doc = DocumentMeta(doc_id="a", title="某省数字化车间认定管理办法", source="a.md", kind="local_policy", region="安徽")
    c = Chunk(chunk_id="a1", doc=doc, section="二、认定条件 > （二）数字化车间条件", ord=1,
              text="（二）数字化车间条件\n1. 车间近三年数字化改造投入不低于800万元；\n2. 关键工序数控化率不低于70%；\n"
                   "3. 生产设备联网率不低于60%；\n4. 企业上一年度研发投入占营业收入比重不低于2%；\n5. 应用MES等系统。")
    comp = _over([c]).compose(
        "数字化车间条件有哪几条？", [c])
    assert all(x in comp.text for x in ("800万元", "70%", "60%", "2%", "MES"))


def test_a_span_of_something_else_is_not_the_answer():
    doc = DocumentMeta(doc_id="x", title="某市数字化车间申报通知", source="x.txt", kind="local_policy", region="厦门")
    chunks = [Chunk(chunk_id="x1", doc=doc, section="二、申报条件", ord=1, text="（五）近三年未发生较大及以上安全生产事故。"),
              Chunk(chunk_id="x2", doc=doc, section="六、工作要求", ord=2, text="认定结果在市工业和信息化局网站公示。")]
    known = {"公示", "认定", "结果"}.__contains__
    comp = _over(chunks, known=known).compose("认定结果要公示几天？", chunks)
    assert comp.not_specified and "三年" not in comp.text


def test_a_list_opened_with_a_colon_runs_to_its_full_stop():
    doc = DocumentMeta(doc_id="w", title="某市智能化改造实施细则", source="w.docx", kind="local_policy", region="武汉")
    c = Chunk(chunk_id="w1", doc=doc, section="四、资金拨付", ord=1,
              text="（一）智能化改造项目补贴分两次拨付：项目通过竣工验收并完成公示后，拨付补贴资金的70%；项目稳定运行一年后，拨付剩余30%。")
    comp = _over([c]).compose(
        "智能化改造项目补贴分几次拨付？", [c])
    assert "70%" in comp.text and "30%" in comp.text


GD = DocumentMeta(doc_id="g", title="某省5G工厂认定和支持办法", source="g.md", kind="local_policy", region="广东")
GD_CHUNKS = [
    _chunk(20, "二、类别", "二、省级5G工厂分为基础型和标杆型两类。", GD),
    _chunk(21, "三、认定条件", "三、申报企业应在本省注册，具有独立法人资格。", GD),
    _chunk(22, "五、支持措施", "五、对认定的标杆型5G工厂，给予一次性奖励200万元；对基础型5G工厂，给予一次性奖励50万元。", GD),
    _chunk(23, "七、监督管理 > （二）", "（二）有下列情形之一的，撤销其称号并追回奖励资金：", GD),
    _chunk(24, "七、监督管理 > （二）", "1. 申报过程中弄虚作假的；\n2. 发生重大网络安全、数据安全事故的；", GD),
    _chunk(25, "七、监督管理 > （二）", "3. 停产超过六个月的。", GD),
    _chunk(26, "七、监督管理 > （三）", "（三）被撤销称号的企业三年内不得再次申报。", GD),
]


def _gd_composer() -> Composer:
    by_doc = {"g": GD_CHUNKS}
    return Composer(Context(idf=lambda t: 2.0, doc_chunks=lambda d: by_doc.get(d, []), subject_terms=("5G工厂",)))


def test_not_specified_is_decided_on_the_whole_document_found_not_on_the_passages_that_ranked():
    # the passage retrieved names the two kinds; the amounts are in another clause of the same document
    comp = _gd_composer().compose("5G工厂两类分别奖多少钱？", [GD_CHUNKS[0], GD_CHUNKS[1]])
    assert not comp.not_specified
    assert "200万元" in comp.text and "50万元" in comp.text
    assert "c22" in [c.chunk_id for c in comp.chunks]


def test_a_document_without_the_figure_is_still_not_specified_after_the_wider_look():
    comp = _gd_composer().compose("5G工厂认定结果公示几天？", [GD_CHUNKS[1]])
    assert comp.not_specified and "万元" not in comp.text


def test_a_lead_in_that_closes_its_passage_brings_the_items_of_the_next_passages():
    comp = _gd_composer().compose("5G工厂在什么情况下会被撤销称号？", [GD_CHUNKS[3]])
    assert all(x in comp.text for x in ("弄虚作假", "网络安全", "六个月"))
    # the sibling clause (三) is not an item of (二)
    assert "c26" not in [c.chunk_id for c in comp.chunks]


def test_a_writing_instruction_does_not_count_as_what_the_question_is_about():
    from assistant.answer.request import content_of

    assert content_of("帮我起草一份申报准备清单：报某省5G工厂要交哪些材料？") == "报某省5G工厂要交哪些材料？"
    assert content_of("给领导写个简要：数字化车间要满足哪几条硬条件？") == "数字化车间要满足哪几条硬条件？"
    assert content_of("把甲、乙两地的截止时间整理成一张时间表。") == "把甲、乙两地的截止时间"
    assert content_of("写申报书需要哪些内容？") == "写申报书需要哪些内容？"  # the whole question: nothing to strip
    comp = _gd_composer().compose("帮我起草一份申报准备清单：报5G工厂被撤销称号的情形有哪些？", [GD_CHUNKS[3]])
    assert "弄虚作假" in comp.text and not comp.not_specified


def test_an_enumeration_of_lines_ending_in_semicolons_lists_every_line():
    doc = DocumentMeta(doc_id="m", title="某省5G工厂认定办法", source="m.md", kind="local_policy", region="广东")
    c = Chunk(chunk_id="m1", doc=doc, section="四、申报材料", ord=1,
              text="四、申报材料\n（一）申报书；\n（二）营业执照和财务报表；\n（三）建设方案；\n（四）场景清单；\n（五）真实性承诺书。")
    comp = _over([c], ("5G工厂",)).compose(
        "广东5G工厂要交什么材料？", [c])
    assert all(x in comp.text for x in ("申报书", "营业执照", "建设方案", "场景清单", "承诺书"))


def test_the_places_own_rule_answers_before_a_city_notice_that_cites_it():
    prov = DocumentMeta(doc_id="p", title="某省示范车间奖补资金管理办法", source="p.md", kind="local_policy", region="江苏")
    city = DocumentMeta(doc_id="s", title="某市专项资金申报通知", source="s.md", kind="local_policy", region="苏州")
    notice = Chunk(chunk_id="s1", doc=city, section="一", ord=1,
                   text="对获得《江苏省示范车间奖补资金管理办法》奖补的省级示范车间项目，市级按省级奖补金额的50%给予配套，最高不超过100万元。")
    rule = Chunk(chunk_id="p1", doc=prov, section="第六条", ord=1, text="对省级示范车间，按投资额的8%给予奖补，最高不超过200万元。")
    comp = _over([rule, notice], ("示范车间",)).compose(
        "江苏省级示范车间的奖补比例和封顶是多少？", [notice, rule])
    assert comp.text.index("8%") < comp.text.index("50%") if "50%" in comp.text else "8%" in comp.text


def test_an_enumeration_takes_the_heading_that_names_most_of_the_question_not_the_first_found():
    doc = DocumentMeta(doc_id="n", title="某市专项资金申报通知", source="n.md", kind="local_policy", region="苏州")
    when = Chunk(chunk_id="n5", doc=doc, section="五、申报时间", ord=5,
                 text="五、申报时间\n（一）企业于6月30日前提交；\n（二）县级部门于7月15日前完成初审。")
    what = Chunk(chunk_id="n4", doc=doc, section="四、申报材料", ord=4,
                 text="四、申报材料\n（一）项目申报书；\n（二）投资凭证；\n（三）信用承诺书。")
    comp = _over([what, when]).compose(
        "苏州申报这个要交哪些材料？", [when, what])
    assert "项目申报书" in comp.text and "6月30日" not in comp.text


def test_a_clause_that_is_its_own_heading_still_answers():
    doc = DocumentMeta(doc_id="f", title="某市示范工厂和示范车间认定办法", source="f.md", kind="local_policy", region="佛山")
    c = Chunk(chunk_id="f1", doc=doc, section="第三条 > （一）车间智能化改造设备和软件投入不低于1000万元", ord=1,
              text="（一）车间智能化改造设备和软件投入不低于1000万元；")
    comp = _over([c], ("示范车间",)).compose(
        "佛山示范车间的投入门槛是多少？", [c])
    assert "1000万元" in comp.text and not comp.not_specified


QD = DocumentMeta(doc_id="q", title="某市智能工厂梯度培育奖励标准", source="q.md", kind="local_policy", region="青岛")
QD_CHUNKS = [
    _chunk(30, "二、奖励标准", "等级：先进级智能工厂；奖励金额：按近两年智能化改造投入的8%给予奖励，最高200万元。", QD),
    _chunk(31, "二、奖励标准", "等级：卓越级智能工厂；条件：入选工业和信息化部卓越级智能工厂；奖励金额：一次性奖励300万元。", QD),
    _chunk(32, "三、其他 > （一）", "（一）企业逐级晋升的，按新等级奖励金额扣除已获本标准奖励后的差额给予奖励。", QD),
]


def _qd_composer() -> Composer:
    by_doc = {"q": QD_CHUNKS}
    return Composer(Context(idf=lambda t: 2.0, doc_chunks=lambda d: by_doc.get(d, []),
                            subject_terms=("智能工厂", "先进级智能工厂", "卓越级智能工厂")))


def test_an_award_paid_as_a_difference_subtracts_what_the_asker_received_each_term_cited():
    comp = _qd_composer().compose("去年拿了市里先进级智能工厂奖励160万，今年入选了卓越级智能工厂，市里这次还能给多少？",
                                  [QD_CHUNKS[1], QD_CHUNKS[0]])
    assert "300万元[1] − 已获160万元 = 140万元[2]" in comp.text and comp.result_wan == 140


def test_without_a_difference_clause_nothing_is_subtracted():
    comp = _qd_composer().compose("去年拿了先进级智能工厂奖励160万，今年入选了卓越级智能工厂，还能给多少？",
                                  [QD_CHUNKS[1]], )
    # the clause is in the document: found by the wider look
    assert "140万元" in comp.text
    other = DocumentMeta(doc_id="z", title="某市奖励办法", source="z.md", kind="local_policy", region="青岛")
    only = [_chunk(40, "二", "等级：卓越级智能工厂；奖励金额：一次性奖励300万元。", other)]
    plain = _over(only, ("卓越级智能工厂",))
    comp = plain.compose("去年拿了先进级奖励160万，今年入选了卓越级智能工厂，还能给多少？", only)
    assert "差额" not in comp.text and "300万元" in comp.text


def test_a_city_award_paid_on_the_provincial_award_is_applied_to_it_in_a_total():
    prov = DocumentMeta(doc_id="p", title="某省示范车间奖补资金管理办法", source="p.md", kind="local_policy", region="江苏")
    city = DocumentMeta(doc_id="s", title="某市专项资金申报通知", source="s.md", kind="local_policy", region="苏州")
    rule = Chunk(chunk_id="p1", doc=prov, section="第六条", ord=1, text="对省级示范车间，按投资额的8%给予奖补，最高不超过200万元。")
    match = Chunk(chunk_id="s1", doc=city, section="一（三）", ord=1,
                  text="对获得省级示范车间奖补的项目，市级按省级奖补金额的50%给予配套奖励，单个项目最高不超过100万元。")
    comp = _over([rule, match], ("示范车间",)).compose(
        "苏州的车间评上了江苏省级示范车间，投资1500万。省里奖补加苏州市级配套，一共能拿多少？", [rule, match])
    assert "1500万元 × 8% = 120万元[1]" in comp.text and "120万元 × 50% = 60万元[2]" in comp.text
    assert comp.result_wan == 180


def test_these_several_points_at_things_and_a_comparison_keeps_every_place_stating_the_figure():
    from assistant.answer.figures import asked_figure

    assert asked_figure("把甲、乙这几个申报通知里的截止时间整理成表") == "date"
    assert asked_figure("认定了几个示范工厂？") == "count"
    docs = {r: DocumentMeta(doc_id=r, title=f"{r}2025年度申报通知", source=f"{r}.md", kind="local_policy", region=r)
            for r in ("苏州", "四川", "厦门")}
    chunks = [Chunk(chunk_id="a", doc=docs["苏州"], section="五", ord=1, text="（一）企业于2025年6月30日前在线填报。"),
              Chunk(chunk_id="b", doc=docs["四川"], section="五", ord=1, text="（一）企业于2025年8月15日前将申报材料报送所在市（州）。"),
              Chunk(chunk_id="c", doc=docs["厦门"], section="五", ord=1, text="申报截止时间为2025年9月30日。")]
    comp = _over(chunks).compose(
        "把苏州、四川、厦门2025年这几个申报通知里企业端的截止时间整理成一张时间表。", chunks, compare_docs=True)
    assert all(x in comp.text for x in ("6月30日", "8月15日", "9月30日")) and "| 四川 |" in comp.text


def test_a_comparison_cell_holds_a_sentence_for_each_attribute_listed():
    from assistant.answer.compose.comparison import asked_attributes

    assert asked_attributes("对比甲和乙的奖励标准，比例、上限、上浮条件都列上。") == ["比例", "上限", "上浮", "条件"]
    assert asked_attributes("浙江、广东、安徽认定名单的公示期分别多久？") == []  # a list of places
    nb = DocumentMeta(doc_id="nb", title="某市数字化车间奖励细则", source="nb.md", kind="local_policy", region="宁波")
    js = DocumentMeta(doc_id="js", title="某省示范车间奖补办法", source="js.md", kind="local_policy", region="江苏")
    chunks = [Chunk(chunk_id="n1", doc=nb, section="二 > （一）数字化车间", ord=1, text="按改造投入的10%给予奖励，单个车间最高不超过100万元。"),
              Chunk(chunk_id="n3", doc=nb, section="二 > （三）比例上浮", ord=3, text="企业为高新技术企业的，奖励比例提高至12%，最高限额不变。"),
              Chunk(chunk_id="j1", doc=js, section="第六条", ord=1, text="对示范车间，按投资额的8%给予奖补，最高不超过200万元。")]
    comp = _over(chunks).compose(
        "宁波和江苏对数字化车间/示范车间的奖励标准对比，比例、上限、上浮条件都列上。", chunks, compare_docs=True)
    row = next(x for x in comp.text.splitlines() if x.startswith("| 宁波"))
    assert "12%" in row and "100万元" in row


def test_a_rate_raised_for_a_condition_the_asker_meets_is_used_and_cited():
    doc = DocumentMeta(doc_id="r", title="某省示范工厂奖补资金管理办法", source="r.md", kind="local_policy", region="江苏")
    rule = Chunk(chunk_id="r6", doc=doc, section="第六条", ord=6, text="对省级示范工厂，按投资额的10%给予奖补，最高不超过500万元。")
    up = Chunk(chunk_id="r7", doc=doc, section="第七条", ord=7,
               text="第七条 申报企业为有效期内高新技术企业的，示范工厂奖补比例提高2个百分点，最高限额不变。")
    composer = _over([rule, up], ("示范工厂",))
    comp = composer.compose("我们是高新技术企业，示范工厂设备投资4000万，省里能给多少奖补？", [rule])
    assert "4000万元 × 12% = 480万元[1]" in comp.text and "高新技术企业，比例按12%计[2]" in comp.text
    assert comp.result_wan == 480
    comp = composer.compose("我们不是高新技术企业，示范工厂设备投资4000万，省里能给多少奖补？", [rule])
    assert comp.result_wan == 400


def test_a_classification_stated_without_fen_wei_answers_how_many_levels():
    # "分A、B、C、D四级" divides as much as "分为": of two sentences under the same heading, it answers
    doc = DocumentMeta(doc_id="n", title="国家文件摘要", source="n.md", kind="summary", region="全国")
    chunks = [
        _chunk(40, "2024年度智能工厂梯度培育行动", "参考《智能制造典型场景参考指引（2024年版）》。", doc),
        _chunk(41, "2024年度智能工厂梯度培育行动", "体系：按要素条件分基础级、先进级、卓越级、领航级四级培育；", doc),
    ]
    comp = _over(chunks).compose("智能工厂梯度培育行动分为哪几个层级？", chunks)
    assert not comp.not_specified and "领航级" in comp.text and comp.chunks[0].chunk_id == "c41"


def test_a_bare_you_duoshao_asks_how_many_unless_money_or_a_minimum_is_asked():
    from assistant.answer.figures import asked_figure

    assert asked_figure("2023年度公示的示范工厂和优秀场景分别有多少？") == "count"
    assert asked_figure("想报先进级，近两年智能化投入得有多少？") == "amount"
    assert asked_figure("示范车间的奖励有多少？") == "amount"


def test_a_count_answers_when_it_counts_the_asked_things_not_something_else():
    from assistant.answer.figures import has_figure

    words = frozenset({"示范工厂", "优秀场景"})
    c = CHUNKS[0]
    assert has_figure("count", "结果：公示 212 家示范工厂、605 个优秀场景；", c, words)
    assert not has_figure("count", "文件：2023年度示范工厂名单；正文是否取得：否（2 条见附件）。", c, words)
    assert has_figure("count", "文件：2023年度示范工厂名单；正文是否取得：否（2 条见附件）。", c)  # no words: any count


def test_asked_for_each_of_two_things_the_sentence_stating_both_figures_answers():
    doc = DocumentMeta(doc_id="n2", title="国家名单汇总", source="n2.md", kind="summary", region="全国")
    chunks = [
        _chunk(50, "2023年度", "2023年度公示优秀场景605个。", doc),
        _chunk(51, "2023年度", "结果：2023年度公示 212 家示范工厂、605 个优秀场景。", doc),
    ]
    comp = _over(chunks).compose("2023年度公示的示范工厂和优秀场景分别有多少？", chunks)
    assert "212" in comp.text and comp.chunks[0].chunk_id == "c51"


def test_the_cover_and_transmittal_lines_of_a_notice_answer_nothing():
    from assistant.answer.coverage import only_names

    doc = DocumentMeta(doc_id="nb", title="某市智能工厂奖励实施细则", source="nb.txt", kind="local_policy", region="宁波",
                       issuer="某市经济和信息化局 某市财政局")
    cover = _chunk(60, "", "某市经济和信息化局 某市财政局关于印发《某市智能工厂奖励实施细则》的通知\n"
                           "为落实省级认定管理办法，鼓励企业创建省级智能工厂，现将《某市智能工厂奖励实施细则》印发给你们，请遵照执行。", doc)
    clause = _chunk(61, "五、兑现方式", "五、兑现方式\n奖励资金由市级财政和企业所在区财政按1:1比例分担。", doc)
    assert only_names(normalize_for_match("某市经济和信息化局 某市财政局关于印发《某市智能工厂奖励实施细则》的通知"), cover)
    assert not only_names(normalize_for_match("（一）车间智能化改造投入不低于1000万元"), clause)  # a clause as its own heading
    comp = _over([cover, clause]).compose("省级智能工厂的奖励钱是谁出的？", [cover, clause])
    assert "1:1" in comp.text and "印发给你们" not in comp.text and "关于印发" not in comp.text


def test_a_deadline_asked_as_jiezhi_or_jiezhi_is_not_answered_by_a_publication_date():
    # the homophone corrector turns 截止 into the documents' 截至: both ask for a deadline
    doc = DocumentMeta(doc_id="r", title="国家文件登记表", source="r.md", kind="summary", region="全国")
    row = _chunk(70, "N9 2025年度行动", "文件：关于开展2025年度智能工厂梯度培育行动的通知；日期：2025年6月。", doc)
    for q in ("2025年度智能工厂梯度培育行动的申报截止日期是哪一天？", "2025年度智能工厂梯度培育行动的申报截至日期是哪一天？"):
        comp = _over([row]).compose(q, [row])
        assert comp.not_specified, q


def test_which_level_is_answered_by_a_named_grade_as_well_as_a_numbered_one():
    doc = DocumentMeta(doc_id="h", title="某省数字化车间认定管理办法", source="h.md", kind="local_policy", region="黑龙江")
    chunks = [
        _chunk(80, "第十八条", "第十八条 原办法同时废止，2024年及之前认定的省示范车间均视为先进级数字化车间。", doc),
        _chunk(81, "第六条", "（六）通过评测，且达到一级及以上水平。", doc),
    ]
    from assistant.answer.figures import has_figure

    assert has_figure("level", "均视为先进级数字化车间", chunks[0])
    comp = _over(chunks).compose("2024年及以前认定的省示范车间，按新办法算哪一级？", chunks)
    assert "先进级" in comp.text and comp.chunks[0].chunk_id == "c80"
