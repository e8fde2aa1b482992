"""The workspace data model: every table, its columns, keys, checks and header aliases."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "IMPORT_KINDS",
    "SCHEMA_VERSION",
    "TABLES",
    "Column",
    "Table",
    "ddl",
]

SCHEMA_VERSION = 2

REGION_LEVELS = ("country", "province", "state", "city", "cbsa", "county", "district", "park")
INSTITUTION_KINDS = (
    "university",
    "research_institute",
    "key_lab",
    "pilot_base",
    "test_center",
    "incubator",
    "accelerator",
    "association",
    "fund",
    "platform",
)
PROJECT_TYPES = ("anchor", "magnet", "ecosystem", "infrastructure", "brand_policy", "other")


@dataclass(frozen=True)
class Column:
    """One column of a workspace table.

    ``dtype`` is a DuckDB type (VARCHAR, INTEGER, DOUBLE, BOOLEAN, DATE). ``minimum`` and
    ``maximum`` bound numeric values (``maximum="current_year"`` means the year of the
    import); ``choices`` restricts text to a closed list; ``aliases`` are the other headers
    (Chinese export headers among them) that mean this column.
    """

    name: str
    dtype: str = "VARCHAR"
    required: bool = False
    aliases: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | str | None = None
    choices: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Table:
    """A workspace table: columns, key, and the references its rows must satisfy.

    ``one_of`` lists columns of which at least one must be present in an import file.
    ``references`` maps a column to the table whose key it must match; ``codes`` names the
    (scheme column, code column) pairs checked against the industry code lists.
    """

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    one_of: tuple[str, ...] = ()
    references: dict[str, str] = field(default_factory=dict)
    codes: tuple[tuple[str, str], ...] = ()
    description: str = ""

    def column(self, name: str) -> Column:
        """Return the column called ``name``."""
        return next(c for c in self.columns if c.name == name)

    @property
    def names(self) -> tuple[str, ...]:
        """Column names in table order."""
        return tuple(c.name for c in self.columns)


def _num(name: str, *aliases: str, minimum: float | None = 0.0, description: str = "") -> Column:
    return Column(name, "DOUBLE", aliases=aliases, minimum=minimum, description=description)


_FIRM_MEASURES = (
    _num("employees", "从业人数", "从业人员", "员工人数", "职工人数", "参保人数", "年末从业人员"),
    _num("revenue", "营业收入", "主营业务收入", "营收", "销售收入"),
    _num("rd_expense", "研发费用", "研发投入", "R&D经费", "研发经费"),
    _num("patents", "专利数", "专利数量", "有效专利数"),
    _num("invention_patents", "发明专利数", "有效发明专利数", "发明专利"),
    _num("exports", "出口额", "出口交货值", "出口"),
    _num("land_mu", "用地面积(亩)", "用地面积", "占地面积(亩)", "用地亩数"),
    _num("tax", "税收", "实缴税金", "税收实际贡献", "纳税额", "实缴税收"),
    _num("energy_tce", "综合能耗(吨标准煤)", "综合能耗", "能耗(吨标准煤)"),
    _num("value_added", "工业增加值", "增加值"),
    _num("electricity_kwh", "用电量(千瓦时)", "用电量", "总用电量"),
    _num("emissions", "排放量", "主要污染物排放量", "排污当量"),
)

_REGION_ID_ALIASES = ("所属地区", "行政区划代码", "地区代码", "区划代码", "所属区域")

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "regions",
            (
                Column("region_id", required=True, aliases=("行政区划代码", "区划代码", "地区代码", "code")),
                Column("name", required=True, aliases=("名称", "地区名称", "区划名称", "name_zh")),
                Column("level", required=True, aliases=("级别", "层级"), choices=REGION_LEVELS),
                Column("parent_id", aliases=("上级代码", "上级区划代码", "parent")),
                Column("name_en", aliases=("英文名称",)),
                Column("lat", "DOUBLE", aliases=("纬度", "latitude"), minimum=-90, maximum=90),
                Column("lon", "DOUBLE", aliases=("经度", "longitude", "lng"), minimum=-180, maximum=180),
                _num("population", "人口", "常住人口"),
                _num("area_km2", "面积", "面积(平方公里)", "土地面积(平方公里)"),
                Column("country", aliases=("国家",)),
            ),
            key=("region_id",),
            references={"parent_id": "regions"},
            description="Region registry: countries, provinces/states, cities/CBSAs, counties, parks.",
        ),
        Table(
            "industries",
            (
                Column("scheme", required=True, aliases=("分类体系", "代码体系")),
                Column("code", required=True, aliases=("行业代码", "代码")),
                Column("name", required=True, aliases=("类别名称", "行业名称", "名称", "name_zh")),
                Column("level", "INTEGER", required=True, aliases=("层级", "级别"), minimum=0, maximum=9),
                Column("parent_code", aliases=("上级代码",)),
                Column("name_en", aliases=("英文名称",)),
            ),
            key=("scheme", "code"),
            description="Industry code lists and groupings, one scheme per classification.",
        ),
        Table(
            "crosswalks",
            (
                Column("source_scheme", required=True),
                Column("source_code", required=True),
                Column("target_scheme", required=True),
                Column("target_code", required=True),
                Column("relation", choices=("one_to_one", "one_to_many", "many_to_one", "many_to_many", "member")),
                _num("weight"),
            ),
            key=("source_scheme", "source_code", "target_scheme", "target_code"),
            codes=(("source_scheme", "source_code"), ("target_scheme", "target_code")),
            description="Correspondences between code schemes, and membership of codes in groupings.",
        ),
        Table(
            "stats",
            (
                Column(
                    "year", "INTEGER", required=True, aliases=("年份", "年度"), minimum=1800, maximum="current_year"
                ),
                Column("region_id", required=True, aliases=_REGION_ID_ALIASES),
                Column("scheme", required=True, aliases=("分类体系", "代码体系")),
                Column("industry_code", required=True, aliases=("行业代码", "industry", "naics", "naics_code")),
                _num("employment", "从业人数", "就业人数", "从业人员", "emp"),
                _num("establishments", "企业数", "法人单位数", "单位数", "estab"),
                _num("output", "产值", "总产值", "工业总产值"),
                _num("value_added", "增加值", "工业增加值"),
                _num("exports", "出口额", "出口交货值"),
                _num("payroll", "工资总额", "薪酬总额"),
            ),
            key=("year", "region_id", "scheme", "industry_code"),
            one_of=("employment", "establishments", "output", "value_added", "exports", "payroll"),
            references={"region_id": "regions"},
            codes=(("scheme", "industry_code"),),
            description="Region x industry statistics per year.",
        ),
        Table(
            "firms",
            (
                Column("firm_id", required=True, aliases=("统一社会信用代码", "信用代码", "企业代码", "uscc")),
                Column("name", required=True, aliases=("企业名称", "公司名称", "名称")),
                Column("region_id", aliases=_REGION_ID_ALIASES),
                Column("scheme", aliases=("分类体系", "代码体系")),
                Column("industry_code", aliases=("行业代码", "国标行业代码", "所属行业代码")),
                Column("founded", "INTEGER", aliases=("成立年份", "成立年度"), minimum=1800, maximum="current_year"),
                *_FIRM_MEASURES,
                Column("lat", "DOUBLE", aliases=("纬度",), minimum=-90, maximum=90),
                Column("lon", "DOUBLE", aliases=("经度",), minimum=-180, maximum=180),
                Column("tags", aliases=("标签", "企业标签", "资质")),
                Column("country", aliases=("国家", "国别")),
                Column("business_scope", aliases=("经营范围", "主营业务", "scope")),
            ),
            key=("firm_id",),
            references={"region_id": "regions"},
            codes=(("scheme", "industry_code"),),
            description="Firms: one row per legal entity; tags separated by ';'.",
        ),
        Table(
            "firm_years",
            (
                Column("firm_id", required=True, aliases=("统一社会信用代码", "信用代码", "企业代码")),
                Column(
                    "year", "INTEGER", required=True, aliases=("年份", "年度"), minimum=1800, maximum="current_year"
                ),
                *_FIRM_MEASURES,
            ),
            key=("firm_id", "year"),
            one_of=tuple(c.name for c in _FIRM_MEASURES),
            references={"firm_id": "firms"},
            description="Firm panel: the numeric firm columns per year.",
        ),
        Table(
            "links",
            (
                Column("supplier_id", required=True, aliases=("供应商代码", "供应商", "supplier")),
                Column("customer_id", required=True, aliases=("客户代码", "客户", "customer")),
                Column("year", "INTEGER", aliases=("年份", "年度"), minimum=1800, maximum="current_year"),
                _num("value", "金额", "交易额", "采购额"),
                Column("product", aliases=("产品", "产品环节", "链环节")),
                _num("quantity", "数量", "用量"),
                Column("supplier_external", "BOOLEAN", aliases=("供应商为外部",)),
                Column("customer_external", "BOOLEAN", aliases=("客户为外部",)),
            ),
            key=("supplier_id", "customer_id", "year", "product"),
            references={"supplier_id": "firms", "customer_id": "firms"},
            description="Supply links between firms; an endpoint outside the firms table must be marked external.",
        ),
        Table(
            "institutions",
            (
                Column("inst_id", required=True, aliases=("机构代码", "机构编号")),
                Column("name", required=True, aliases=("机构名称", "名称")),
                Column("kind", required=True, aliases=("机构类型", "类型"), choices=INSTITUTION_KINDS),
                Column("region_id", required=True, aliases=_REGION_ID_ALIASES),
                Column("fields", aliases=("领域", "研究领域", "服务领域")),
                Column("lat", "DOUBLE", aliases=("纬度",), minimum=-90, maximum=90),
                Column("lon", "DOUBLE", aliases=("经度",), minimum=-180, maximum=180),
            ),
            key=("inst_id",),
            references={"region_id": "regions"},
            description="Knowledge institutions, intermediaries and funds (the cluster's non-firm elements).",
        ),
        Table(
            "policies",
            (
                Column("policy_id", required=True, aliases=("政策编号",)),
                Column("name", required=True, aliases=("政策名称", "名称")),
                Column("issuer", aliases=("发文单位", "发布单位")),
                Column("region_id", aliases=("适用地区",) + _REGION_ID_ALIASES),
                Column("valid_from", "DATE", aliases=("生效日期", "开始日期")),
                Column("valid_to", "DATE", aliases=("失效日期", "截止日期")),
                Column("benefit", aliases=("支持内容", "扶持内容", "政策内容")),
                Column("rules", aliases=("申报条件", "eligibility")),
            ),
            key=("policy_id",),
            references={"region_id": "regions"},
            description="Policies with machine-readable eligibility rules (JSON text).",
        ),
        Table(
            "kpi_targets",
            (
                Column("region_id", required=True, aliases=_REGION_ID_ALIASES),
                Column("kpi", required=True, aliases=("指标", "指标名称")),
                Column("year", "INTEGER", required=True, aliases=("年份", "目标年份"), minimum=1800, maximum=2200),
                Column("target", "DOUBLE", required=True, aliases=("目标值",), minimum=None),
                Column("baseline", "DOUBLE", aliases=("基期值", "基准值"), minimum=None),
                Column("unit", aliases=("单位",)),
            ),
            key=("region_id", "kpi", "year"),
            references={"region_id": "regions"},
            description="KPI targets per region and year.",
        ),
        Table(
            "projects",
            (
                Column("project_id", required=True, aliases=("项目编号",)),
                Column("name", required=True, aliases=("项目名称", "名称")),
                Column("region_id", required=True, aliases=_REGION_ID_ALIASES),
                Column("type", aliases=("项目类型",), choices=PROJECT_TYPES),
                Column("chain_node", aliases=("产业链环节", "链环节")),
                Column("owner", aliases=("责任单位", "牵头单位")),
                Column("start", "DATE", aliases=("开始日期",)),
                Column("end", "DATE", aliases=("结束日期", "完成日期")),
                _num("budget", "投资额", "总投资", "预算"),
                Column("financing", aliases=("资金来源", "融资方式")),
                Column("milestones", aliases=("里程碑", "节点目标")),
            ),
            key=("project_id",),
            references={"region_id": "regions"},
            description="Planned projects with type, chain node, owner, milestones, budget, financing.",
        ),
    )
}

IMPORT_KINDS: dict[str, str] = {
    "regions": "regions",
    "industries": "industries",
    "crosswalks": "crosswalks",
    "stats": "stats",
    "firms": "firms",
    "firm-years": "firm_years",
    "links": "links",
    "institutions": "institutions",
    "policies": "policies",
    "targets": "kpi_targets",
    "projects": "projects",
}
"""Import KIND as typed on the command line -> workspace table."""

_SYSTEM_DDL = (
    "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
    """CREATE TABLE IF NOT EXISTS imports (
        import_id INTEGER, kind VARCHAR, file_name VARCHAR, file_path VARCHAR, sha256 VARCHAR,
        file_format VARCHAR, imported_at TIMESTAMP, rows_read BIGINT, rows_written BIGINT,
        rows_replaced BIGINT, tool_version VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS io_tables (
        table_id VARCHAR, year INTEGER, n_sectors INTEGER, form VARCHAR, unit VARCHAR, source VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS io_codes (
        table_id VARCHAR, code VARCHAR, axis VARCHAR, block VARCHAR, name_en VARCHAR, name_zh VARCHAR,
        position INTEGER)""",
    """CREATE TABLE IF NOT EXISTS io_entries (
        table_id VARCHAR, row_code VARCHAR, origin VARCHAR, col_code VARCHAR, value DOUBLE)""",
    """CREATE TABLE IF NOT EXISTS chains (
        chain_id VARCHAR, name_zh VARCHAR, name_en VARCHAR, n_nodes INTEGER, document VARCHAR,
        source VARCHAR)""",
)


FIRM_NODES_DDL = """CREATE TABLE IF NOT EXISTS firm_nodes (
    firm_id VARCHAR, chain_id VARCHAR, node_id VARCHAR, confidence DOUBLE, method VARCHAR, reason VARCHAR,
    mapped_at TIMESTAMP)"""
"""Schema 2: the chain node of each firm, as mapped by ``clusterbrain chain map`` (derived data)."""


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def ddl() -> list[str]:
    """Return the CREATE TABLE statements of schema version 1 (later versions add to it by migration)."""
    statements = list(_SYSTEM_DDL)
    for table in TABLES.values():
        cols = ", ".join(f"{_quote(c.name)} {c.dtype}" for c in table.columns)
        statements.append(f"CREATE TABLE IF NOT EXISTS {table.name} ({cols})")
    return statements
