"""The event coder on sentences written for these tests: one group per construction.

Each case asserts the actors' countries, the CAMEO root (or code) and the factuality.
"""

from __future__ import annotations

import pytest

from detente.records import Event

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def engine():
    from detente.pipeline import Engine

    return Engine()


def code(engine, text: str, published: str = "2024-05-20") -> list[Event]:
    from detente.records import Article

    return engine.code_article(Article.make(text, published=published)).events


def find(events: list[Event], src: str, tgt: str | None, root: str | None = None) -> list[Event]:
    out = []
    for e in events:
        s = e.source.country if e.source else None
        t = e.target.country if e.target else None
        if s == src and t == tgt and (root is None or e.cameo_root == root):
            out.append(e)
    return out


def only(events: list[Event], src: str, tgt: str | None, root: str) -> Event:
    found = find(events, src, tgt, root)
    seen = [(e.source and e.source.country, e.target and e.target.country, e.cameo, e.polarity, e.modality)
            for e in events]
    assert found, f"no {src}->{tgt} root {root} in {seen}"
    return found[0]


# -- active, passive, coordination ------------------------------------------------------------------------
def test_active_voice_directed(engine):
    ev = only(code(engine, "France strongly criticized Germany over its energy policy on Monday."), "FRA", "DEU", "11")
    assert ev.polarity == "asserted" and ev.modality == "actual"
    assert ev.quad_class == 3 and ev.goldstein < 0


def test_passive_voice_agent_is_source(engine):
    events = code(engine, "Ukraine was attacked by Russia on Sunday night.")
    ev = only(events, "RUS", "UKR", "19")
    assert ev.quad_class == 4


def test_coordinated_subjects_reciprocal_give_two_directed_events(engine):
    events = code(engine, "Brazil and Argentina signed a trade agreement in Buenos Aires.")
    a = only(events, "BRA", "ARG", "05")
    b = only(events, "ARG", "BRA", "05")
    assert a.symmetric and b.symmetric


def test_coordinated_objects(engine):
    events = code(engine, "Japan condemned North Korea and China.")
    only(events, "JPN", "PRK", "11")
    only(events, "JPN", "CHN", "11")


def test_a_list_read_as_an_apposition_keeps_every_member(engine):
    # the parser hangs "the tiny Albania, and proud Croatia" on Serbia as an apposition
    events = code(engine, "Angry Serbia, the tiny Albania, and proud Croatia welcomed talks with Hungary.")
    for src in ("SRB", "ALB", "HRV"):
        only(events, src, "HUN", "05")


def test_a_name_between_the_head_and_its_and_is_a_list_member(engine):
    # "Serbia, the tiny Albania, and Croatia": Albania an apposition of Serbia, Croatia its conjunct
    events = code(engine, "Serbia, the tiny Albania, and Croatia welcomed talks with Hungary.")
    for src in ("SRB", "ALB", "HRV"):
        only(events, src, "HUN", "05")


def test_a_true_apposition_is_not_a_list_member(engine):
    events = code(engine, "Japan condemned Pyongyang, the capital of North Korea, on Friday.")
    assert {(e.source.country, e.target.country) for e in events if e.target} == {("JPN", "PRK")}


def test_a_bare_conjunct_shares_the_first_conjuncts_nationality(engine):
    events = code(engine, "The Danish media and government criticised Sweden.")
    assert {e.source.code for e in find(events, "DNK", "SWE", "11")} == {"DNKMED", "DNKGOV"}


def test_meet_with_is_consult(engine):
    events = code(engine, "The Indian foreign minister met with his Pakistani counterpart in Geneva.")
    ev = only(events, "IND", "PAK", "04")
    assert ev.source.sector == "GOV"


def test_xcomp_chain_keeps_the_subject(engine):
    events = code(engine, "Germany agreed to expand military cooperation with Poland.")
    ev = only(events, "DEU", "POL", "03")
    assert ev.polarity == "asserted"


def test_sanctions_imposed_on(engine):
    ev = only(code(engine, "The European Union imposed new sanctions on Iran on Tuesday."), "EU", "IRN", "16")
    assert ev.quad_class == 4


# -- negation -------------------------------------------------------------------------------------------
def test_negated_cooperation_becomes_refusal(engine):
    # CAMEO codes a cooperative act that is explicitly not done as its refusal (057 -> 127)
    ev = only(code(engine, "Kenya did not sign the agreement with Somalia."), "KEN", "SOM", "12")
    assert ev.cameo == "127" and ev.polarity == "asserted"


def test_negation_from_a_higher_clause_is_not_a_refusal(engine):
    events = code(engine, "Officials were not aware of any Chinese military aid to Russia.")
    evs = find(events, "CHN", "RUS")
    assert evs and all(e.polarity == "negated" and e.cameo_root == "07" for e in evs)


def test_never(engine):
    events = code(engine, "Chile never attacked Peru.")
    assert find(events, "CHL", "PER") and all(e.polarity == "negated" for e in find(events, "CHL", "PER"))


def test_careful_not_to(engine):
    events = code(engine, "Turkish banks are careful not to violate the sanctions against Syria.")
    assert not any(e.counts and e.cameo_root in ("12", "16", "17") and e.source.country == "TUR" for e in events)


def test_refuse_to_becomes_refusal_code(engine):
    events = code(engine, "Iran refused to meet the American envoy.")
    ev = only(events, "IRN", "USA", "12")
    assert ev.polarity == "asserted"


def test_fail_to_is_negated(engine):
    events = code(engine, "Egypt failed to reach an agreement with Ethiopia.")
    assert all(not e.counts for e in find(events, "EGY", "ETH"))


# -- modality -------------------------------------------------------------------------------------------
def test_condition_is_hypothetical(engine):
    events = code(engine, "If Serbia attacks Kosovo, the alliance would respond.")
    assert all(e.modality == "hypothetical" for e in find(events, "SRB", "KOS"))


def test_would_is_hypothetical(engine):
    events = code(engine, "Vietnam would impose tariffs on Cambodia.")
    evs = find(events, "VNM", "KHM")
    assert evs and all(e.modality == "hypothetical" for e in evs)


@pytest.fixture(scope="module")
def petrarch_engine():
    from detente.config import Config
    from detente.pipeline import Engine

    return Engine(Config().with_(petrarch_practice=True))


def test_a_plan_is_the_intent_to_act(engine, petrarch_engine):
    # CAMEO's codebook and the news annotation guide: a plan is an expression of intent (03x)
    ev = only(code(engine, "Canada plans to send humanitarian aid to Haiti."), "CAN", "HTI", "03")
    assert ev.cameo == "0333" and ev.plover == "AGREE"
    # PETRARCH practice: the act itself, marked intended
    ev = only(code(petrarch_engine, "Canada plans to send humanitarian aid to Haiti."), "CAN", "HTI", "07")
    assert ev.modality == "intended"


def test_will_is_future(engine, petrarch_engine):
    only(code(engine, "Norway will host talks with Colombia next month."), "NOR", "COL", "03")
    ev = only(code(petrarch_engine, "Norway will host talks with Colombia next month."), "NOR", "COL", "04")
    assert ev.modality in ("future", "intended")


def test_denied(engine):
    events = code(engine, "Pakistan denied that it had attacked Afghanistan.")
    evs = find(events, "PAK", "AFG", "19")
    assert evs and all(e.modality == "denied" for e in evs)


def test_not_intended_as(engine):
    events = code(engine, "The minister said Greece's warnings to Turkey were not intended as threats.")
    assert not any(e.counts and e.cameo_root == "13" for e in events)


# -- attribution ----------------------------------------------------------------------------------------
def test_reported_speech_claimant(engine):
    events = code(engine, "Israel said that Hezbollah fighters attacked Lebanon.")
    ev = [e for e in events if e.cameo_root == "19"]
    assert ev and ev[0].claimant is not None and ev[0].claimant.country == "ISR"


def test_according_to(engine):
    events = code(engine, "According to Kyiv, Russian troops shelled Kharkiv and attacked Ukrainian positions.")
    evs = [e for e in events if e.source and e.source.country == "RUS"]
    assert evs and all(e.claimant is not None and e.claimant.country == "UKR" for e in evs)


def test_told_is_a_statement_to_the_addressee(engine):
    events = code(engine, "Macron told Scholz that France would not send troops.")
    ev = only(events, "FRA", "DEU", "01")
    assert ev.modality == "actual"


def test_quote_flag(engine):
    events = code(engine, 'The minister said: "Poland strongly condemns Belarus for the border incident."')
    assert any(e.quote for e in events)


def test_what_an_accusation_says_is_the_accusers_claim_not_a_fact(engine):
    events = code(engine, "Pakistan accused India of violating the ceasefire.")
    accusation = only(events, "PAK", "IND", "11")
    assert accusation.counts and accusation.modality == "actual"
    content = [e for e in events if e.source and e.source.country == "IND"]
    assert content, "the alleged act is still coded, as the accuser's claim"
    assert all(e.modality == "alleged" and not e.counts for e in content)
    assert all(e.claimant is not None and e.claimant.country == "PAK" for e in content)


def test_blamed_for_and_alleged_that_are_allegations(engine):
    blamed = [e for e in code(engine, "Syria blamed Turkey for shelling its border towns.")
              if e.source and e.source.country == "TUR"]
    assert blamed and all(e.modality == "alleged" and e.claimant and e.claimant.country == "SYR" for e in blamed)
    alleged = [e for e in code(engine, "Russia alleged that Ukrainian forces shelled Donetsk.")
               if e.cameo_root == "19"]
    assert alleged and all(e.modality == "alleged" and not e.counts for e in alleged)


def test_what_a_speaker_reports_still_counts(engine):
    events = code(engine, "Officials said Turkish jets bombed Kurdish positions in Syria.")
    bombing = [e for e in events if e.source and e.source.country == "TUR" and e.cameo_root == "19"]
    assert bombing and all(e.modality == "actual" and e.counts for e in bombing)


# -- nominal events -------------------------------------------------------------------------------------
def test_possessive_invasion(engine):
    events = code(engine, "The conference discussed Iraq's invasion of Kuwait.")
    only(events, "IRQ", "KWT", "19")


def test_meeting_between(engine):
    events = code(engine, "After the meeting between Modi and Albanese, trade officials began work.", "2024-05-20")
    assert find(events, "IND", "AUS", "04") and find(events, "AUS", "IND", "04")


def test_light_verb_phone_call(engine):
    events = code(engine, "Spain's prime minister held talks with Morocco on migration.")
    only(events, "ESP", "MAR", "04")


# -- never crash ----------------------------------------------------------------------------------------
def test_odd_inputs_do_not_crash(engine):
    for text in ["", " ", "\n\n\n", "...", "A", "🙂 " * 50, "x" * 5000, "Russia " * 300]:
        code(engine, text)


def test_consequent_of_a_condition_is_hypothetical(engine):
    events = code(engine, "If Peru closes the border, Bolivia would retaliate against Peruvian exports, "
                          "an official warned.")
    bol = [e for e in events if e.source.country == "BOL"]
    assert bol, "the retaliation is coded"
    assert all(e.modality == "hypothetical" for e in bol)


def test_recipient_subject_reverses_roles(engine):
    ev = only(code(engine, "Georgian rebels received weapons from the Armenian government."), "ARM", "GEO", "07")
    assert ev.source.sector == "GOV"


def test_domestic_sector_takes_the_country_of_the_sentence(engine):
    events = code(engine, "The Zambian government signed a peace agreement with rebels in Lusaka.")
    ev = only(events, "ZMB", "ZMB", "05")
    assert ev.target.code == "ZMBREB"


def test_domestic_sector_stays_unplaced_when_two_states_are_named(engine):
    events = code(engine, "Chad accused Sudan of arming rebels.")
    assert not any(e.target and e.target.sector == "REB" and e.target.country for e in events)


def test_object_is_the_subject_of_an_of_gerund(engine):
    events = code(engine, "Chad accused Sudan of arming rebels.")
    only(events, "TCD", "SDN", "11")
    assert not any(e.cameo_root == "07" and e.source.country == "TCD" for e in events)
    assert any(e.cameo_root == "07" and e.source.country == "SDN" for e in events)


def test_coordinated_nationality_modifiers_give_two_actors(engine):
    events = code(engine, "Portuguese and Spanish fishermen protested against Morocco on Monday.")
    assert find(events, "PRT", "MAR", "14") and find(events, "ESP", "MAR", "14")


def test_of_phrase_with_coordinated_countries(engine):
    events = code(engine, "The ambassadors of Norway, Sweden and Finland met the Danish prime minister.")
    for c in ("NOR", "SWE", "FIN"):
        assert find(events, c, "DNK", "04"), c


def test_temporal_clause_events_rank_below_the_news():
    """The rules' own score (``calibrate = false``; the calibrated confidence is data, docs/coding.md §5)."""
    from detente.config import load_config
    from detente.pipeline import Engine

    heuristic = Engine(load_config(n_process=1, calibrate=False))
    events = code(heuristic, "Serbia restored ties with Croatia, five years after protesters burned its embassy.")
    main = only(events, "SRB", "HRV", "05")
    background = [e for e in events if e.trigger == "burned"]
    assert background and all(e.confidence < main.confidence - 0.15 for e in background)


# -- obligations in reported speech, announced and conditional threats -------------------------------
def test_must_in_reported_speech_is_a_demand_of_the_clause_subject(engine):
    events = code(engine, "Germany said on Monday that Turkey must release the detained journalists.")
    ev = only(events, "DEU", "TUR", "10")
    assert ev.modality == "actual" and ev.plover == "REQUEST"
    assert not find(events, "TUR", None, "08"), "the release itself is not asserted"


def test_should_in_reported_speech_is_an_appeal(engine):
    only(code(engine, "The Brazilian president said Argentina should resume talks with Chile."), "BRA", "ARG", "02")


def test_has_to_counts_as_must(engine):
    only(code(engine, "Kenya insisted that Uganda has to withdraw its troops from the border."), "KEN", "UGA", "10")


def test_agreeing_that_something_must_happen_is_not_a_demand(engine):
    events = code(engine, "Peru and Chile agree that the dispute must be settled by arbitration.")
    assert not [e for e in events if e.cameo_root == "10"]


def test_announced_conflict_act_is_a_threat(engine):
    events = code(engine, "Palestinian leaders said they would boycott all contact with Israel.")
    ev = only(events, "PSE", "ISR", "13")
    assert ev.modality == "actual" and ev.plover == "THREATEN"


def test_ultimatum_is_a_threat_against_the_conditions_subject(engine):
    events = code(engine, "Farmers in Chile threatened to block the highways unless Argentina lifts the tariffs.")
    assert [e for e in events if e.cameo_root == "13" and e.target and e.target.country == "ARG"]


def test_unless_makes_a_future_act_a_threat(engine):
    events = code(engine, "Nigeria announced that it will withdraw its peacekeepers from Chad unless the junta "
                          "holds elections.")
    only(events, "NGA", "TCD", "13")


def test_vow_to_attack_is_a_threat_not_an_intent_to_cooperate(engine):
    events = code(engine, "The Kenyan rebels vowed to attack Uganda.")
    ev = only(events, "KEN", "UGA", "13")
    assert ev.cameo.startswith("138")


def test_a_conditional_act_foreseen_by_someone_else_stays_hypothetical(engine):
    events = code(engine, "Bolivia would retaliate against Peru if the border closed, analysts in Chile said.")
    bol = find(events, "BOL", "PER")
    assert bol and all(e.modality == "hypothetical" and e.cameo_root != "13" for e in bol)


def test_announced_aid_is_agree_in_plover_and_keeps_its_act_under_petrarch_practice(engine, petrarch_engine):
    ev = only(code(engine, "Finland will give Tanzania a grant of 50 million dollars."), "FIN", "TZA", "03")
    assert ev.cameo == "0331" and ev.plover == "AGREE"
    ev = only(code(petrarch_engine, "Finland will give Tanzania a grant of 50 million dollars."), "FIN", "TZA", "07")
    assert ev.modality == "future" and ev.plover == "AGREE"


def test_an_attempt_is_not_a_promise(engine):
    evs = find(code(engine, "Chile tried to mediate between Peru and Bolivia."), "CHL", "PER", "04")
    assert evs and all(e.plover == "CONSULT" for e in evs)


def test_intent_with_an_unknown_act_takes_its_target_from_the_complement(engine):
    ev = only(code(engine, "Libya has offered to hand over to Britain two of its nationals suspected of the bombing."),
              "LBY", "GBR", "03")
    assert ev.plover == "AGREE"


def test_a_protest_naming_no_one_is_aimed_at_its_own_authorities(engine):
    ev = only(code(engine, "Thousands of Egyptian demonstrators rioted in the streets on Friday."), "EGY", "EGY", "14")
    assert ev.target.kind == "implied" and ev.target.code == "EGYGOV"


def test_an_unplaced_domestic_target_takes_the_country_where_the_event_happens(engine):
    events = code(engine, "Syrian officers ended mediation efforts between rival militias in Beirut.")
    assert [e for e in events if e.cameo_root == "16" and e.target and e.target.country == "LBN"]


def test_target_inside_a_between_phrase_of_the_object(engine):
    events = code(engine, "Brazil and Chile welcomed a resumption of diplomatic ties between Peru and Bolivia.")
    for src in ("BRA", "CHL"):
        for tgt in ("PER", "BOL"):
            only(events, src, tgt, "05")


def test_a_shared_seat_name_in_a_document_belongs_to_its_modifier(engine):
    only(code(engine, "The Rwandan Senate criticized Congress."), "RWA", "USA", "11")
    ev = only(code(engine, "Opponents of Rwanda's Senate protested yesterday."), "RWA", "RWA", "14")
    assert ev.source.sector == "OPP"


def test_victims_of_a_passive_verb_are_the_target_of_the_attack_noun(engine):
    events = code(engine, "Four Palestinian children were killed in an Israeli air strike in Gaza on Friday.")
    ev = only(events, "ISR", "PSE", "19")
    assert ev.target.sector == "CVL"


def test_known_wrong_verb_lemmas_are_corrected(engine):
    events = code(engine, "US and British activists staged a protest in Beijing on Wednesday.")
    only(events, "USA", "CHN", "14")
    only(events, "GBR", "CHN", "14")


@pytest.mark.parametrize("text", [
    "Russia waged war against Ukraine in 2014.",  # the model's lemma is "wag": "wage war against" never matched
    "Kiev says Russia is waging war on Ukraine.",
    "The United States wiretapped German Chancellor Angela Merkel's phone.",  # "wiretappe"
])
def test_verb_forms_the_model_lemmatises_wrongly_meet_their_patterns(engine, text):
    events = code(engine, text)
    assert [e for e in events if e.cameo_root in ("19", "09", "17") and e.source and e.source.country in ("RUS", "USA")
            and e.target and e.target.country in ("UKR", "DEU")], [(e.cameo, e.pattern) for e in events]


def test_when_it_comes_to_is_no_visit_of_the_last_thing_named(engine):
    events = code(engine, "The European Union has lost its voice. When it comes to Turkey, the bloc is divided.")
    assert not [e for e in events if e.cameo_root == "04"], [(e.cameo, e.pattern) for e in events]
    events = code(engine, "Germany is France's closest partner. When its chancellor came to Moscow, she met Putin.")
    only(events, "DEU", "RUS", "04")


@pytest.mark.parametrize("text,seat_of", [
    ("Norway pledged to cut its emissions under the Paris agreement.", "FRA"),
    ("Israel signed the Oslo accords with the Palestinians in 1993.", "NOR"),
    ("Iran has complied with the Vienna agreement, the inspectors said.", "AUT"),
])
def test_a_seat_that_names_an_agreement_is_not_its_government(engine, text, seat_of):
    events = code(engine, text)
    assert not [e for e in events if seat_of in (e.source.country if e.source else None,
                                                 e.target.country if e.target else None)], \
        [(e.source, e.cameo, e.target) for e in events]


def test_a_seat_still_stands_for_its_government(engine):
    only(code(engine, "Paris condemned the attack on its embassy in Tehran."), "FRA", "IRN", "11")


def test_target_named_where_a_participle_leads(engine):
    only(code(engine, "Soldiers from Turkey have cordoned off the roads leading into Syria."), "TUR", "SYR", "14")


def test_a_blockade_by_state_forces_is_not_a_protest_against_their_authorities(engine):
    events = code(engine, "Turkish soldiers blocked the roads on Monday.")
    assert not [e for e in events if e.target is not None and e.target.kind == "implied"]


def test_an_event_noun_complement_composes_with_its_governor(engine):
    events = code(engine, "Iraq's government announced that it is prepared to impose martial law in Basra.")
    ev = [e for e in events if e.cameo == "1324"]
    assert ev and ev[0].modality == "actual" and ev[0].source.country == "IRQ"
    assert not [e for e in events if e.cameo == "1724"], "the martial law itself is not imposed"


def test_renewed_talks_are_talks(engine):
    events = code(engine, "Peru and Chile renewed negotiations today on the maritime border.")
    only(events, "PER", "CHL", "04")
    only(events, "CHL", "PER", "04")


def test_coordinated_sector_nouns_share_their_place(engine):
    events = code(engine, "Lawmakers and officials in Peru and Chile welcomed the talks with Bolivia.")
    govs = {e.source.code for e in events if e.target and e.target.country == "BOL"}
    assert {"PERLEG", "CHLLEG", "PERGOV", "CHLGOV"} <= govs


def test_a_verb_coordinated_with_a_passive_shares_its_subject_not_its_agent(engine):
    events = code(engine, "Peru's prime minister has been indicted by a court in Lima and will resign.")
    resign = [e for e in events if e.trigger == "resign"]
    assert resign and resign[0].source.code == "PERGOV"


def test_aspectual_verbs_carry_their_event_noun(engine):
    only(code(engine, "The United States speeded up the withdrawal of its forces from Panama on Wednesday."),
         "USA", "PAN", "08")


def test_a_threat_against_ones_own_border_is_aimed_at_the_conditions_subject(engine):
    events = code(engine, "The president of Chile said he would close the Chilean border if Peru does not stop "
                          "the smugglers.")
    only(events, "CHL", "PER", "13")


def test_an_expected_meeting_is_a_plan_to_meet(engine):
    # a schedule as the news reports it is a plan (036), as the annotation guide codes plans
    evs = find(code(engine, "Peru and Chile are expected to discuss the border in Lima."), "PER", "CHL", "03")
    assert evs and all(e.cameo == "036" and e.plover == "AGREE" for e in evs)


def test_an_attempt_is_no_promise(engine):
    evs = code(engine, "Peru tried to mediate between Chile and Bolivia.")
    assert any(e.cameo == "045" for e in evs) and not any(e.cameo_root == "03" for e in evs), \
        [(e.cameo, e.modality) for e in evs]


def test_a_refusal_takes_its_target_from_the_refused_act(engine):
    events = code(engine, "Peru's president has refused to respond to a demand from the Chilean government.")
    only(events, "PER", "CHL", "12")


def test_an_appeal_targets_its_addressee_even_at_home(engine):
    events = code(engine, "The Brazilian Congress is asking the Brazilian president to help Bolivia.")
    ev = only(events, "BRA", "BRA", "02")
    assert ev.target.sector == "GOV"


def test_a_statement_is_not_addressed_to_the_subject_of_what_it_reports(tmp_path):
    from detente.config import load_config
    from detente.pipeline import Engine

    verbs = tmp_path / "verbs.tsv"
    verbs.write_text("010\tsay\n", encoding="utf-8")  # a user's bare "say" pattern, with a target slot
    eng = Engine(load_config(lexicon=(str(verbs),)))
    events = code(eng, "Chile's foreign ministry said Peru had closed the border.")
    assert not [e for e in events if e.cameo == "010" and e.target is not None]


def test_an_obligation_carried_by_a_speech_noun_is_a_demand(engine):
    events = code(engine, "Germany issued a stern reminder to Turkey that it must release the journalists.")
    only(events, "DEU", "TUR", "10")


def test_a_dummy_it_is_addressed_by_no_demand(engine):
    events = code(engine, "Germany said it must be stressed that Turkey is a partner.")
    assert not [e for e in events if e.cameo_root == "10"]


def test_attending_an_event_abroad_is_a_visit(engine):
    only(code(engine, "The Chilean president attended the inauguration in Lima on Sunday."), "CHL", "PER", "04")


def test_unspecified_retaliation_is_no_military_force(engine):
    events = code(engine, "Chile said it would retaliate against Peruvian exports, a Chilean official warned.")
    threats = find(events, "CHL", "PER", "13")
    assert threats and not [e for e in threats if e.cameo.startswith("138")]
    only(code(engine, "Israel retaliated with air strikes on Gaza."), "ISR", "PSE", "19")


def test_the_venue_of_a_meeting_is_not_its_counterpart(engine):
    events = code(engine, "Brazil and Argentina signed a loan deal. The two governments will meet again at the "
                          "Mercosur summit in Montevideo in May.")
    meet = [e for e in events if e.trigger == "meet"]
    assert {(e.source.country, e.target.country) for e in meet} == {("BRA", "ARG"), ("ARG", "BRA")}


def test_a_future_act_under_a_belief_is_a_prediction(engine):
    evs = find(code(engine, "Analysts expect Russia will retaliate against Finland."), "RUS", "FIN")
    assert evs and all(e.modality == "hypothetical" and e.cameo_root != "13" for e in evs)
    evs = find(code(engine, "Tymoshenko said she is sure Ukraine will join the European Union soon."), "UKR", "EU")
    assert evs and all(not e.counts for e in evs)


def test_insisting_that_something_would_happen_is_no_demand(engine):
    events = code(engine, "Israel insisted that the Palestinians would be granted limited sovereignty.")
    assert not [e for e in events if e.cameo_root == "10" and e.target is not None]
    only(code(engine, "Kenya insisted that Uganda withdraw its troops."), "KEN", "UGA", "10")


def test_an_unknown_named_object_blocks_a_far_fallback_target(engine):
    events = code(engine, "The president criticized Acme Holdings for moving its factories to Mexico.")
    assert not [e for e in events if e.target is not None and e.target.country == "MEX" and e.cameo_root == "11"]


def test_an_inverted_condition_makes_the_consequent_hypothetical(engine):
    evs = find(code(engine, "Should Chile close the border, Peru will side with Bolivia."), "PER", "BOL")
    assert evs and all(e.modality == "hypothetical" for e in evs)


def test_one_phrase_is_not_both_sides_of_an_event(engine):
    events = code(engine, "Firms from Malaysia and Japan rejected the proposal of Malaysian and Japanese banks.")
    assert not [e for e in events if e.source and e.target and e.spans["source"] == e.spans["target"]]


def test_a_patterns_preposition_must_belong_to_the_predicate(engine):
    events = code(engine, "The Chilean minister spoke on Tuesday about the need for military action in Peru.")
    assert not find(events, "CHL", "PER", "05"), "'for' belongs to 'need', not to 'spoke'"


def test_a_dateline_is_no_actor(engine):
    events = code(engine, "GAZA CITY, Palestinian Territories: Four children were killed in Israeli shelling.")
    assert not [e for e in events if e.source and e.source.text.upper() == "GAZA CITY"]
    only(code(engine, "WASHINGTON, March 2 - Russia attacked Ukraine on Monday."), "RUS", "UKR", "19")
    from detente.coding.coder import dateline_end
    from detente.nlp import load_pipeline

    sent = next(load_pipeline()("US-led forces attacked Iraq on Monday.").sents)
    assert dateline_end(sent) == sent.start, "the hyphen of 'US-led' ends no dateline"


def test_a_participle_after_a_passive_is_done_by_the_agent(engine):
    events = code(engine, "The city was shelled by Russian forces, killing 20 civilians.")
    kill = [e for e in events if e.trigger == "killing"]
    assert kill and kill[0].source.country == "RUS"


def test_victims_belong_where_the_attack_happened(engine):
    only(code(engine, "Russian forces killed 20 civilians in Kharkiv on Monday."), "RUS", "UKR", "19")
    only(code(engine, "Syrian forces killed 20 civilians in Homs on Monday."), "SYR", "SYR", "19")


def test_the_government_read_back_to_two_governments_is_the_sources_own(engine):
    events = code(engine, "Business groups urged the two governments to return to negotiations. "
                          "The Argentine steel union demanded that the government protect Argentine workers.")
    demands = [e for e in events if e.cameo_root == "10"]
    assert demands and {e.target.country for e in demands} == {"ARG"}


def test_a_domestic_group_addresses_its_own_government(engine):
    events = code(engine, "The Brazilian foreign minister criticized Argentina. "
                          "The Argentine steel union demanded that the government protect Argentine workers.")
    demands = [e for e in events if e.cameo_root == "10"]
    assert demands and {e.target.code for e in demands} == {"ARGGOV"}


# -- leaders, displaced objects, agents of nominal acts, wishes ---------------------------------------------
def test_the_leader_of_a_led_coalition_acts(engine):
    only(code(engine, "The Saudi-led coalition attacked rebels in Yemen."), "SAU", "YEM", "19")
    only(code(engine, "The coalition, led by Saudi Arabia, attacked rebels in Yemen."), "SAU", "YEM", "19")


def test_object_after_an_as_phrase(engine):
    only(code(engine, "Pakistan condemned as a grave crime India's crackdown in Kashmir."), "PAK", "IND", "11")
    only(code(engine, "Ukraine denounced as illegal the annexation of Crimea by Russia."), "UKR", "RUS", "11")


def test_criticism_of_a_nominal_act_targets_its_agent(engine):
    only(code(engine, "Ukraine condemned the annexation of Crimea by Russia."), "UKR", "RUS", "11")


def test_a_wish_addressed_to_someone_is_an_appeal(engine):
    ev = only(code(engine, "Obama wants Putin to release the prisoners."), "USA", "RUS", "02")
    assert ev.polarity == "asserted"


def test_a_wish_to_use_force_is_a_threat_not_an_appeal(engine):
    events = code(engine, "Putin wants to attack Finland.")
    only(events, "RUS", "FIN", "13")
    assert not find(events, "RUS", "FIN", "02")


def test_a_stative_passive_subject_acts(engine):
    ev = only(code(engine, "Russian troops were engaged in heavy fighting with Ukrainian forces."), "RUS", "UKR", "19")
    assert ev.source.code == "RUSMIL"


def test_agreeing_together_to_act_is_mutual(engine):
    events = code(engine, "The Sudanese government and the rebels have agreed to allow humanitarian access "
                          "to all areas.")
    a = [e for e in events if e.source.code == "SDNGOV" and e.target and e.target.code == "SDNREB"]
    b = [e for e in events if e.source.code == "SDNREB" and e.target and e.target.code == "SDNGOV"]
    assert a and b and a[0].symmetric and a[0].cameo_root == "03"


def test_an_ethnic_population_belongs_to_the_state_it_lives_in(engine):
    ev = only(code(engine, "Serbian police attacked the Albanian population of Kosovo."), "SRB", "KSV", "19")
    assert ev.target.code == "KSVCVL"


def test_protesters_clashing_is_a_violent_protest(engine):
    ev = only(code(engine, "Protesters clashed with police in Nairobi on Tuesday."), "KEN", "KEN", "14")
    assert ev.cameo == "145"


def test_a_militant_group_is_not_placed_in_one_of_two_states_its_sentence_names(engine):
    events = code(engine, "The United States bombed an Islamic State base near Baghdad, expanding its campaign "
                          "against the militant group.")
    assert not [e for e in events if e.target and e.target.code == "USAREB"]


def test_a_speech_topic_is_not_its_audience(engine):
    events = code(engine, "President Lula will give a speech on Brazil's relations with Asia.")
    assert not [e for e in events if e.cameo_root == "01" and e.target and e.target.country == "ASA"]


def test_agreeing_that_is_a_shared_view_not_an_intent(engine):
    events = code(engine, "Peru and Chile agree that the border dispute should be settled by arbitration.")
    assert only(events, "PER", "CHL", "05").cameo == "050"
    assert only(events, "CHL", "PER", "05").symmetric
    assert only(code(engine, "Peru and Chile agreed to hold talks."), "PER", "CHL", "03").cameo == "036"


def test_the_source_is_never_its_own_target(engine):
    ev = only(code(engine, "Young Algerians blocked roads on Sunday to press their demands."), "DZA", "DZA", "14")
    assert ev.target.code == "DZAGOV" and ev.cameo == "144"


def test_preparing_to_fight_is_mobilizing_and_passes_through_phase_verbs(engine):
    ev = only(code(engine, "The Serbian army prepared to resume shelling Croatian positions."), "SRB", "HRV", "15")
    assert ev.cameo == "154" and ev.plover == "MOBILIZE"
    only(code(engine, "Russia is preparing to impose sanctions on Georgia."), "RUS", "GEO", "13")
    trip = only(code(engine, "The Brazilian president prepared to attend the summit in Paris."), "BRA", "FRA", "03")
    assert trip.cameo == "036"  # a planned trip is the intent to meet


def test_an_unknown_person_takes_the_actor_of_his_apposition(engine):
    ev = only(code(engine, "John Maina, a Kenyan police officer, criticized Uganda on Monday."), "KEN", "UGA", "11")
    assert ev.source.code == "KENCOP" and ev.source.text == "John Maina"


def test_a_by_phrase_inside_the_object_is_not_the_nominal_acts_agent(engine):
    events = code(engine, "Kenyan students went on strike in protest against abuses by Ugandan soldiers.")
    assert not [e for e in events if e.cameo_root == "14" and e.source.country == "UGA"]


def test_a_part_of_the_source_named_by_its_possessive_is_no_target(engine):
    events = code(engine, "NATO rejected a call for its troops to stay in Kabul.")
    assert not [e for e in events if e.target and e.target.code and e.target.code.startswith("IGONATO")]


def test_accepting_mediation_targets_the_mediator(engine):
    ev = only(code(engine, "Armenia agreed to Russian mediation in the talks with Azerbaijan."), "ARM", "RUS", "03")
    assert ev.cameo == "038"


def test_a_border_inside_the_object_is_where_not_whom(engine):
    events = code(engine, "Burmese troops captured a rebel stronghold on the Thai border.")
    assert not find(events, "MMR", "THA")
    only(code(engine, "Israeli jets struck targets in Syrian territory."), "ISR", "SYR", "19")


def test_refusing_permission_is_a_refusal_to_yield(engine):
    ev = only(code(engine, "Egypt said it would not give permission to Iran to use the canal."), "EGY", "IRN", "12")
    assert ev.cameo == "124"


def test_a_state_inside_the_name_of_a_sea_is_no_actor(engine):
    events = code(engine, "Vietnam protested Chinese patrols in the South China Sea.")
    only(events, "VNM", "CHN", "14")
    assert all(e.target.text != "the South China Sea" for e in events if e.target)
    assert not code(engine, "Vietnam deployed ships to the South China Sea.")


def test_an_unknown_organisation_named_for_what_it_is_belongs_to_its_state(engine):
    ev = only(code(engine, "Russia's Black Sea Fleet attacked Ukraine."), "RUS", "UKR", "19")
    assert ev.source.code == "RUSMIL"


def test_armed_forces_in_the_in_phrase_of_a_passive_killing_did_it(engine):
    events = code(engine, "Four villagers were killed in Turkish tank fire in the north of Syria on Friday.")
    ev = only(events, "TUR", "SYR", "19")
    assert ev.source.code == "TURMIL" and ev.target.code == "SYRCVL"
    assert not find(code(engine, "Two soldiers were killed in Kabul on Friday."), "AFG", "AFG")


def test_a_cooperative_act_announced_by_its_source_is_an_expressed_intent(engine):
    ev = only(code(engine, "Israel announced it would free 150 Palestinian prisoners."), "ISR", "PSE", "03")
    assert ev.cameo == "0353" and ev.modality == "actual" and ev.plover == "AGREE"
    foreseen = only(code(engine, "Japan said China will send aid to Pakistan."), "CHN", "PAK", "07")
    assert foreseen.modality == "future"  # another state's forecast is not China's plan


def test_a_statement_topic_is_not_its_target(engine):
    events = code(engine, "President Lula gave a speech here on Argentina's economy.")
    assert not [e for e in events if e.cameo_root == "01" and e.target]


def test_a_sea_named_after_a_state_is_no_target(engine):
    events = code(engine, "Japan deployed warships to the South China Sea.")
    assert not [e for e in events if e.target and e.target.country == "CHN"]


def test_an_unspecified_intent_is_mutual_only_when_it_says_so(engine):
    events = code(engine, "Britain, France, Australia and Mexico have vowed investigations into tax evasion.")
    assert not [e for e in events if e.target and e.cameo_root == "03"]
    pledge = code(engine, "China and Russia pledged to deepen cooperation.")
    assert only(pledge, "CHN", "RUS", "03").symmetric and only(pledge, "RUS", "CHN", "03").symmetric


def test_two_phrases_placed_as_one_actor_give_one_event(engine):
    events = code(engine, "The House and Senate have both refused to budge from their visions for the budget.")
    assert len({e.event_id for e in events}) == len(events)
    assert [e.source.code for e in events if e.cameo_root == "12"] == ["USALEG"]


def test_an_act_without_a_target_takes_the_one_other_party_its_sentence_names(engine):
    ev = only(code(engine, "After a meeting with Trump, the Japanese trade minister complained bitterly."),
              "JPN", "USA", "11")
    assert ev.target is not None
    # two other parties: no guess
    events = code(engine, "After a meeting with Trump and Macron, the Japanese trade minister complained bitterly.")
    assert find(events, "JPN", None, "11") and not [e for e in events if e.cameo_root == "11" and e.target is not None]
    # (the meeting itself is the minister's, with each of them: tests/test_meeting_adjuncts.py)
    assert find(events, "JPN", "USA", "04") and find(events, "FRA", "JPN", "04")
    # nor is the party of another clause
    events = code(engine, "The United States criticised the deal, and India did not attend the talks.")
    assert find(events, "USA", None, "11") and find(events, "IND", None, "12")
    # a place where it happened is not a party
    events = code(engine, "In Geneva, the Japanese trade minister complained bitterly.")
    assert find(events, "JPN", None, "11") and not [e for e in events if e.target is not None]


def test_meetings_go_both_ways_and_a_visit_is_hosted(engine, petrarch_engine):
    events = code(engine, "Japanese Prime Minister Shinzo Abe met Chinese President Xi Jinping on Monday.")
    a, b = only(events, "JPN", "CHN", "04"), only(events, "CHN", "JPN", "04")
    assert a.cameo == b.cameo == "040" and a.symmetric and b.symmetric
    events = code(engine, "The French president visited Germany on Tuesday.")
    assert only(events, "FRA", "DEU", "04").cameo == "042"
    assert only(events, "DEU", "FRA", "04").cameo == "043"
    # PETRARCH practice: one event, from the subject
    events = code(petrarch_engine, "Japanese Prime Minister Shinzo Abe met Chinese President Xi Jinping on Monday.")
    assert find(events, "JPN", "CHN", "04") and not find(events, "CHN", "JPN", "04")


def test_a_schedule_is_a_plan(engine):
    ev = only(code(engine, "The Japanese prime minister is to visit China next week."), "JPN", "CHN", "03")
    assert ev.cameo == "036"
    events = code(engine, "North Korean and South Korean officials were to meet in Panmunjom on Friday.")
    assert only(events, "PRK", "KOR", "03").cameo == "036"
    # "be about to": what is imminent has not happened yet
    ev = only(code(engine, "The Japanese foreign minister is about to leave for China on a three-day visit."),
              "JPN", "CHN", "03")
    assert ev.cameo == "036" and not find(code(engine, "Germany was about to sign a gas deal with Qatar."),
                                          "DEU", "QAT", "05")


def test_a_text_without_a_verb_codes_to_nothing(engine):
    from detente.records import Article

    coded = engine.code_article(Article.make("Japan, China. Russia.", published="2024-05-20"))
    assert coded.article.status == "ok" and coded.events == []


def test_a_venue_in_or_at_is_no_partner(engine):
    # the last-resort prepositions of a pattern that found no target: "in"/"at" name where the act took
    # place (measured on the project's 7,419 dev+train news sentences: 30 fewer wrong events, 15 more right)
    events = code(engine, "Envoys of Peru and Chile met in Brasilia on Monday.")
    assert find(events, "PER", "CHL", "04") and find(events, "CHL", "PER", "04")
    assert not [e for e in events if e.target and e.target.country == "BRA"]


def test_a_recalled_ambassador_still_names_the_other_country(engine):
    events = code(engine, "Peru recalled its ambassador in Santiago.")
    assert find(events, "PER", "CHL", "16")


def test_a_visit_still_takes_its_place_as_target(engine):
    events = code(engine, "The Kenyan foreign minister arrived in Kampala on Tuesday for a two-day visit.")
    assert find(events, "KEN", "UGA", "04")
