/**
 * Corrections of invariant expressions published wrongly in FHIR R4 4.0.1, applied when a profile
 * is compiled, the same way the HL7 validator patches them before evaluation (its
 * FHIRPathExpressionFixer; only the R4 entries). Keyed by the exact published expression: a profile
 * that writes its own expression is evaluated as written.
 */

const REF_1_R4 = "reference.startsWith('#').not() or (reference.substring(1).trace('url') in %rootResource.contained.id.trace('ids'))";

const FIXES: ReadonlyMap<string, string> = new Map([
  // que-12 (Questionnaire.item): "If there are more than one enableWhen, enableBehavior must be specified" — published as `> 2`.
  ['enableWhen.count() > 2 implies enableBehavior.exists()', 'enableWhen.count() >= 2 implies enableBehavior.exists()'],
  // que-7 (Questionnaire.item.enableWhen): `answer is Boolean` names the System type, which the reference matches on a
  // FHIR boolean (implicit conversion) and fhirpath.js does not; the FHIR type says the same.
  ["operator = 'exists' implies (answer is Boolean)", "operator = 'exists' implies (answer is boolean)"],
  // ras-2 (RiskAssessment.prediction): `probability is decimal` on an absent probability.
  [
    'probability is decimal implies (probability as decimal) <= 100',
    'probability.empty() or ((probability is decimal) implies ((probability as decimal) <= 100))',
  ],
  // ref-1 (Reference): `#` alone points at the container itself.
  [REF_1_R4, `reference.exists() implies (reference = '#' or (${REF_1_R4}))`],
  // bdl-8 (Bundle.entry): no fullUrl is no history in it.
  ["fullUrl.contains('/_history/').not()", "fullUrl.exists() implies fullUrl.contains('/_history/').not()"],
  // map-? (StructureMap.group.rule.target): `generated` is a typo for the element `generation`.
  ["generated='generated' implies source.empty()", "generation='generated' implies source.empty()"],
  // cnl-0 / inv-0 (canonical resources): the name rule only applies to a name, anchored.
  ["name.matches('[A-Z]([A-Za-z0-9_]){0,254}')", "name.exists() implies name.matches('^[A-Z]([A-Za-z0-9_]){0,254}$')"],
  // eld-18 (ElementDefinition): isModifier false needs no reason.
  ['isModifier implies isModifierReason.exists()', '(isModifier.exists() and isModifier) implies isModifierReason.exists()'],
  // sdf-16 / sdf-17 (StructureDefinition): `all(id)` meant "all have an id".
  [
    "differential.element.all(id) and differential.element.id.trace('ids').isDistinct()",
    "differential.element.all(id.exists()) and differential.element.id.trace('ids').isDistinct()",
  ],
  [
    "snapshot.element.all(id) and snapshot.element.id.trace('ids').isDistinct()",
    "snapshot.element.all(id.exists()) and snapshot.element.id.trace('ids').isDistinct()",
  ],
  // sdf-8 (StructureDefinition): `element.tail().not()` on a collection.
  [
    "(%resource.kind = 'logical' or element.first().path.startsWith(%resource.type)) and (element.tail().not() or  element.tail().all(path.startsWith(%resource.differential.element.first().path.replaceMatches('\\\\..*','')&'.')))",
    "(%resource.kind = 'logical' or element.first().path.startsWith(%resource.type)) and (element.tail().empty() or  element.tail().all(path.startsWith(%resource.differential.element.first().path.replaceMatches('\\\\..*','')&'.')))",
  ],
]);

/** The expression to evaluate for a published one (itself when nothing needs fixing). */
export function fixInvariantExpression(expression: string, key?: string): string {
  // txt-2 ("The narrative SHALL have some non-whitespace content") is published as htmlChecks(), the same
  // expression as txt-1; the validator evaluates it as its content check only.
  if (key === 'txt-2' && expression === 'htmlChecks()') return 'htmlChecks2()';
  return FIXES.get(expression) ?? expression;
}
