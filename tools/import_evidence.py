#!/usr/bin/env python3
"""One-time seed of kb/ from ../shared/evidence (run once, 2026-11-22).

kb/ is hand-maintained after this: do NOT re-run over an edited kb/ (it refuses
unless --force). Kept in the repo so the provenance of every seeded number is
reproducible: each row keeps the evidence file's source text, and every value
this script computes (derived base rates, setting multipliers) says so in its
source column and is marked `estimate`.
"""
import csv, os, sys, statistics

EV = os.path.join(os.path.dirname(__file__), '..', '..', 'shared', 'evidence')
SPEC = os.path.join(os.path.dirname(__file__), '..', '..', 'shared', 'spec')
KB = os.path.join(os.path.dirname(__file__), '..', 'kb')


def read_tsv(path):
    with open(path, newline='') as f:
        rows = list(csv.reader(f, delimiter='\t', quoting=csv.QUOTE_NONE))
    head = rows[0]
    return [dict(zip(head, r)) for r in rows[1:] if r and r[0] != head[0]]


def write_tsv(path, head, rows, comment=None):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        if comment:
            for line in comment.strip().split('\n'):
                f.write('# ' + line + '\n')
        f.write('\t'.join(head) + '\n')
        for r in rows:
            f.write('\t'.join(str(r.get(h, '')).replace('\t', ' ') for h in head) + '\n')


# Setting multipliers by condition group: estimates (no study reports case mix
# by setting for buttock pain). pmr_clinic is the reference (= dossier prior).
SETTINGS = ['primary_care', 'sports_clinic', 'pmr_clinic', 'spine_clinic', 'emergency']
GROUP_MULT = {
    'spine':               [1.0, 0.7, 1, 1.6, 0.8],
    'pelvis':              [1.0, 1.0, 1, 1.2, 1.0],
    'systemic':            [1.2, 0.5, 1, 0.8, 0.5],
    'hip':                 [1.2, 1.0, 1, 0.6, 0.6],
    'gluteal':             [1.0, 1.8, 1, 0.5, 0.3],
    'deep_gluteal':        [0.7, 1.3, 1, 0.8, 0.3],
    'extra_articular_hip': [0.5, 2.0, 1, 0.3, 0.2],
    'nerve':               [0.8, 0.7, 1, 1.0, 0.3],
    'vascular':            [1.2, 0.3, 1, 1.0, 1.5],
    'must_not_miss':       [1.0, 0.5, 1, 2.0, 10.0],
}
SPECIAL_MULT = {'femoral_neck_stress_fracture': [1.0, 3.0, 1, 0.5, 5.0],
                'sacral_stress_fracture': [1.0, 2.0, 1, 1.2, 3.0]}

MODIFIERS = [
    # condition, when, odds ratio, quality, source
    ('lumbar_spinal_stenosis', 'age > 70', 2.0, 'measured', 'Suri 2010 JAMA 304:2628, pooled LR 2.0 for age >70 (converted from the hx_age_over_70 evidence row)'),
    ('lumbar_spinal_stenosis', 'age < 60', 0.40, 'measured', 'Suri 2010 JAMA 304:2628, pooled LR 0.40 for age <60 (converted from the hx_age_under_60 evidence row)'),
    ('malignancy', 'age >= 50', 2.66, 'estimate', 'Deyo & Diehl 1988 J Gen Intern Med 3:230 lists age >=50 as a significant predictor; 0.77/0.71 (LR+ 2.66) not re-verified (spine-pelvis verification log): estimate'),
    ('malignancy', 'age < 50', 0.32, 'estimate', 'LR- of the same row (0.23/0.71): estimate'),
    ('polymyalgia_rheumatica', 'age < 50', 0.01, 'estimate', 'added-conditions.md: PMR is classified only at age >=50 (Dasgupta 2012 entry criterion); prior about 0 below 50: estimate'),
    ('polymyalgia_rheumatica', 'age >= 50', 2.0, 'estimate', 'added-conditions-priors.tsv: roughly double the all-ages prior at age >=50: estimate'),
    ('polymyalgia_rheumatica', 'age > 70', 2.0, 'estimate', 'mean age at diagnosis 74 (Raheel 2017 Arthritis Care Res 69:1282); x2 on top of the >=50 modifier: estimate'),
    ('polymyalgia_rheumatica', 'female', 1.3, 'estimate', '64% women (Raheel 2017 Arthritis Care Res 69:1282); split around the all-sex prior: estimate'),
    ('polymyalgia_rheumatica', 'male', 0.75, 'estimate', '36% men (Raheel 2017); split around the all-sex prior: estimate'),
    ('gluteal_tendinopathy', 'female', 1.5, 'estimate', 'Segal 2007 Arch Phys Med Rehabil 88:988: OR 3.37 for women; split around the all-sex prior (1.5 vs 0.45): estimate'),
    ('gluteal_tendinopathy', 'male', 0.45, 'estimate', 'Segal 2007 OR 3.37 for women, split around the all-sex prior: estimate'),
    ('gluteal_tendinopathy', 'age < 35', 0.3, 'estimate', 'typically middle-aged (seed 003); community data are for age 50-79 (Segal 2007): estimate'),
    ('ischiofemoral_impingement', 'female', 1.8, 'estimate', '91% female in a surgical review of 101 patients (Mohorea 2025/26 Curr Rev Musculoskelet Med); all 6 MRI cases female (Barros 2019 Radiol Bras 52:237); split around the all-sex prior: estimate'),
    ('ischiofemoral_impingement', 'male', 0.25, 'estimate', 'as above (9% male): estimate'),
    ('pudendal_nerve_entrapment', 'female', 1.4, 'estimate', 'about 70% of diagnosed patients are women (Hibner 2011 Glob Libr Womens Med); split around the all-sex prior: estimate'),
    ('pudendal_nerve_entrapment', 'male', 0.6, 'estimate', 'as above (30% men): estimate'),
    ('axial_spondyloarthritis', 'male', 1.61, 'measured', 'ASAS cohort (Rudwaleit 2009 Ann Rheum Dis 68:777): male 52.4% axSpA vs 32.6% no SpA, LR 1.61'),
    ('axial_spondyloarthritis', 'female', 0.71, 'measured', 'ASAS cohort (Rudwaleit 2009): female 47.6% vs 67.4%, LR 0.71'),
    ('spinal_or_pelvic_infection', 'male', 2.2, 'estimate', 'male sex OR 5.0 in a prospective ED cohort (Am J Emerg Med 2019, spine-pelvis.md); split around the all-sex prior (2.2 vs 0.45): estimate'),
    ('spinal_or_pelvic_infection', 'female', 0.45, 'estimate', 'as above: estimate'),
    ('hip_osteoarthritis', 'age < 40', 0.2, 'estimate', 'hip-gluteal.md section 15: hip OA rare <40 (x0.2): estimate'),
    ('hip_osteoarthritis', 'age > 55', 2.0, 'estimate', 'hip OA affects 10-25% of people >55 (Sutlive 2008 JOSPT 38:542 background): estimate'),
    ('femoroacetabular_impingement', 'age > 50', 0.3, 'estimate', 'FAI most common age 16-45 (hip-gluteal.md section 15): estimate'),
    ('femoroacetabular_impingement', 'age < 45', 1.5, 'estimate', 'FAI most common age 16-45 (hip-gluteal.md section 15): estimate'),
    ('lumbar_spondylolysis', 'age < 20', 8.0, 'estimate', 'spondylolysis in 47% of adolescent-athlete LBP vs 5% of adult LBP (Micheli & Wood 1995, cited in Aspetar Sports Med J vol 3); odds ratio damped from ~17 to 8: estimate'),
    ('lumbar_spondylolysis', 'age >= 30', 0.5, 'estimate', 'adult presentations are mostly established defects/spondylolisthesis: estimate'),
    ('lumbar_facet_arthropathy', 'age >= 50', 1.5, 'estimate', 'facet pain becomes more likely with age (DePalma 2011 Pain Med 12:224): estimate'),
    ('lumbar_facet_arthropathy', 'age < 30', 0.4, 'estimate', 'as above: estimate'),
    ('sacroiliac_joint_dysfunction', 'age >= 50', 1.3, 'estimate', 'SIJ pain becomes more likely with age (DePalma 2011 Pain Med 12:224): estimate'),
    ('sacral_stress_fracture', 'age > 80', 3.6, 'estimate', 'SIF in 6.5% of patients >80 vs 1.8% <80 with osteoporotic spinal fractures (Kao 2017 Medicine 96:e9100): ratio 3.6: estimate'),
    ('vascular_claudication', 'age >= 60', 3.0, 'estimate', 'PAD 5% at age 60 and 12% at 70 (JAMAevidence Rational Clinical Examination ch.72): estimate'),
    ('vascular_claudication', 'age < 50', 0.2, 'estimate', 'atherosclerotic PAD uncommon below 50: estimate'),
    ('femoral_neck_stress_fracture', 'female', 1.5, 'estimate', 'female sex OR 2.31 in endurance athletes (Wright 2015, cited in added-conditions.md); women ~4x hazard in US Army (J Athl Train 2021 56:1278); split: estimate'),
    ('femoral_neck_stress_fracture', 'male', 0.65, 'estimate', 'as above: estimate'),
    ('avascular_necrosis_femoral_head', 'age > 65', 0.5, 'estimate', 'AVN peak age 30-50 (hip-gluteal.md section 15): estimate'),
    ('axial_spondyloarthritis', 'age >= 55', 0.5, 'estimate', 'symptom onset before 40-45 in most (seed 003: 80% before the 4th decade); new presentations after 55 uncommon: estimate'),
]


def main():
    if os.path.exists(os.path.join(KB, 'conditions.tsv')) and '--force' not in sys.argv:
        sys.exit('kb/ already seeded; refusing to overwrite hand edits (use --force)')
    spec_conds = read_tsv(os.path.join(SPEC, 'conditions.tsv'))
    codes = {r['condition_id']: r for r in read_tsv(os.path.join(EV, 'codes.tsv'))}
    priors = {}
    for f in ['spine-pelvis-priors.tsv', 'hip-gluteal-priors.tsv', 'added-conditions-priors.tsv']:
        for r in read_tsv(os.path.join(EV, f)):
            priors[r['condition_id']] = r
    # conditions
    rows = []
    for c in spec_conds:
        cd = codes.get(c['condition_id'], {})
        rows.append({'id': c['condition_id'], 'name': c['name'], 'parent': c['parent'],
                     'group': c['group'], 'must_not_miss': 'yes' if c['group'] == 'must_not_miss' else 'no',
                     'icd10cm': cd.get('icd10cm', ''), 'snomed_ct': cd.get('snomed_ct', ''),
                     'codes_checked': cd.get('checked', 'no'), 'codes_source': cd.get('source', '')})
    write_tsv(os.path.join(KB, 'conditions.tsv'),
              ['id', 'name', 'parent', 'group', 'must_not_miss', 'icd10cm', 'snomed_ct', 'codes_checked', 'codes_source'],
              rows, 'Conditions: the 33 IDs of shared/spec/conditions.tsv. Codes from shared/evidence/codes.tsv.')
    # priors per setting
    prow = []
    for c in spec_conds:
        cid = c['condition_id']
        p = priors[cid]
        mult = SPECIAL_MULT.get(cid, GROUP_MULT[c['group']])
        base = float(p['prior'])
        r = {'condition_id': cid, 'quality': p['quality'],
             'source': p['source'] + ' | other settings: pmr_clinic prior x setting multiplier for group ' + c['group'] +
             ' (' + ', '.join('%s %g' % (s, m) for s, m in zip(SETTINGS, mult)) + '): estimate'}
        for s, m in zip(SETTINGS, mult):
            r[s] = '%.4g' % min(0.5, base * m)
        prow.append(r)
    write_tsv(os.path.join(KB, 'priors.tsv'), ['condition_id'] + SETTINGS + ['quality', 'source'], prow,
              'Prior probability that each condition is present in a patient presenting with buttock / posterior\n'
              'hip pain, per setting. pmr_clinic is the default setting (shared/spec/case-format.md).')
    write_tsv(os.path.join(KB, 'modifiers.tsv'), ['condition_id', 'when', 'odds_ratio', 'quality', 'source'],
              [dict(zip(['condition_id', 'when', 'odds_ratio', 'quality', 'source'], m)) for m in MODIFIERS],
              'Prior odds multipliers by age, sex and duration (see kb/README.md for the expression syntax).')
    # profiles
    lik = []
    for f in ['spine-pelvis-likelihoods.tsv', 'hip-gluteal-likelihoods.tsv', 'added-conditions-likelihoods.tsv']:
        for r in read_tsv(os.path.join(EV, f)):
            r['_file'] = f
            lik.append(r)
    by_cond = {}
    one_minus_spec = {}
    for r in lik:
        cid, fid = r['condition_id'], r['finding_id']
        if fid.startswith('hx_age_'):
            continue  # age enters through modifiers.tsv
        sens, spec = r['sensitivity'], r['specificity']
        src = r['source']
        if sens == 'NA':
            lrp = float(r['lr_pos'])
            if fid == 'ex_faber':  # FAI: LR+ 0.83 / LR- 1.17: sens ~0.5 gives no positive link
                sens, spec = '0.50', '0.40'
                src += ' | sens/spec back-derived from LR+ 0.83, LR- 1.17 (sens 0.50, spec 0.40): estimate'
            else:  # cool skin LR+ 5.9 only
                sens, spec = '0.30', '%.3f' % (1 - 0.30 / lrp)
                src += ' | only LR+ %s published; sens 0.30 assumed, spec back-derived: estimate' % r['lr_pos']
        row = {'finding_id': fid, 'sensitivity': sens, 'specificity': spec,
               'quality': r['quality'] if r['quality'] in ('measured', 'estimate') else 'estimate',
               'source': src + ' [' + r['_file'] + ']'}
        by_cond.setdefault(cid, []).append(row)
        try:
            one_minus_spec.setdefault(fid, []).append(1 - float(spec))
        except ValueError:
            pass
    for cid, rows in by_cond.items():
        write_tsv(os.path.join(KB, 'profiles', cid + '.tsv'),
                  ['finding_id', 'sensitivity', 'specificity', 'quality', 'source'], rows,
                  'Profile of %s: P(finding | condition) = sensitivity, with published specificity\n'
                  'kept for the clinician (the engine uses the finding base rate; see kb/README.md).' % cid)
    # findings
    vocab = read_tsv(os.path.join(SPEC, 'vocabulary.tsv'))
    frows = []
    for v in vocab:
        fid, desc = v['finding_id'], v['description']
        q = desc
        for cut in [' (ask', ' (pain map', ' (observe', ' (measure', ' (record', ' (clinician']:
            i = q.find(cut)
            if i > 0:
                q = q[:i]
        q = q.rstrip('.') + '?'
        if fid.startswith('hx_age_'):
            base, bq, bs, neutral = '0.3', 'estimate', 'derived from numeric age; not used as evidence', \
                'derived from age: enters through kb/modifiers.tsv, never as a finding'
        elif fid in one_minus_spec:
            vals = one_minus_spec[fid]
            base = '%.3f' % max(0.002, min(0.6, statistics.median(vals)))
            bq, bs, neutral = 'estimate', 'median of (1 - specificity) over %d profile row(s) at import; to be reviewed' % len(vals), ''
        else:
            base, bq, bs, neutral = '0.05', 'estimate', 'placeholder at import: no profile row yet; to be reviewed', ''
        frows.append({'id': fid, 'kind': v['kind'], 'question': q, 'description': desc, 'base_rate': base,
                      'base_quality': bq, 'base_source': bs, 'neutral_reason': neutral})
    write_tsv(os.path.join(KB, 'findings.tsv'),
              ['id', 'kind', 'question', 'description', 'base_rate', 'base_quality', 'base_source', 'neutral_reason'],
              frows, 'Findings: every ID of shared/spec/vocabulary.tsv. base_rate = P(finding) in a buttock-pain\n'
                     'patient whose pain comes from a cause that does not produce it (the noisy-OR leak).')


if __name__ == '__main__':
    main()
