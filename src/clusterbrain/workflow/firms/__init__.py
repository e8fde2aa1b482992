"""Firm services of the industry brain: health checks, 亩均 evaluation, 专精特新 screening, policy matching."""

from clusterbrain.workflow.firms.health import HEALTH_INDICATORS, HealthChecks, peer_percentiles
from clusterbrain.workflow.firms.mujun import MujunEvaluation, MujunRules, evaluate_mujun, load_mujun_rules
from clusterbrain.workflow.firms.policies import (
    Policy,
    PolicyMatches,
    match_policies,
    parse_policies,
    validate_policy_rules,
)
from clusterbrain.workflow.firms.risks import link_locality, supply_risk_flags
from clusterbrain.workflow.firms.rule_language import evaluate_rule, evaluate_rule3, rule_problems
from clusterbrain.workflow.firms.service import (
    FirmData,
    check_firms,
    evaluate_firms,
    load_firm_data,
    match_firm_policies,
    read_facts,
    read_policy_file,
    screen_firms,
)
from clusterbrain.workflow.firms.srdi import SrdiRules, SrdiScreening, load_srdi_rules, screen_srdi

__all__ = [
    "HEALTH_INDICATORS", "FirmData", "HealthChecks", "MujunEvaluation", "MujunRules", "Policy", "PolicyMatches",
    "SrdiRules", "SrdiScreening", "check_firms", "evaluate_firms", "evaluate_mujun", "evaluate_rule", "evaluate_rule3",
    "link_locality", "load_firm_data", "load_mujun_rules", "load_srdi_rules", "match_firm_policies", "match_policies",
    "parse_policies", "peer_percentiles", "read_facts", "read_policy_file", "rule_problems", "screen_firms",
    "screen_srdi", "supply_risk_flags", "validate_policy_rules",
]  # fmt: skip
