-- The SQL normalizers (their full conformance suites run as unit tests).

SELECT amprenta.amprenta_normalize_lipid('Cer(d18:1/16:0)') AS input_level,
       amprenta.amprenta_normalize_lipid('Cer(d18:1/16:0)', 'species') AS species,
       amprenta.amprenta_normalize_lipid('PC 18:1_16:0') AS chains_sorted,
       amprenta.amprenta_normalize_lipid('PC aa C36:2') AS biocrates,
       amprenta.amprenta_normalize_lipid('PC 34:1', 'molecular_species') AS finer_than_input,
       amprenta.amprenta_normalize_lipid('glucose') AS not_a_lipid,
       amprenta.amprenta_normalize_lipid(NULL) AS null_name;
-- An unknown level is an error, not a NULL.
\set VERBOSITY sqlstate
SELECT amprenta.amprenta_normalize_lipid('PC 34:1', 'class');
\set VERBOSITY default

SELECT amprenta.amprenta_normalize_gene('ENSG00000141510.17') AS ensembl,
       amprenta.amprenta_normalize_gene('tp53') AS lower_symbol,
       amprenta.amprenta_normalize_gene('1-Sep') AS excel_date,
       amprenta.amprenta_normalize_gene(NULL) AS null_name;
SELECT amprenta.amprenta_normalize_protein('sp|P04637|P53_HUMAN') AS fasta,
       amprenta.amprenta_normalize_protein('p04637') AS lower_accession,
       amprenta.amprenta_normalize_protein('REV__P04637') AS decoy,
       amprenta.amprenta_normalize_protein('CON__P00761') AS contaminant;
SELECT amprenta.amprenta_normalize_metabolite('Glucose [M+H]+') AS adduct,
       amprenta.amprenta_normalize_metabolite('HMDB00122') AS hmdb;
SELECT amprenta.amprenta_normalize_metabolite('citric acid') = amprenta.amprenta_normalize_metabolite('citrate') AS acid_anion_same,
       amprenta.amprenta_normalize_metabolite('L-Lactate') = amprenta.amprenta_normalize_metabolite('l-lactate') AS case_same;

-- One normalizer per type, the same through amprenta_normalize_feature.
SELECT t, n, amprenta.amprenta_normalize_feature(n, t) AS via_feature,
       CASE t WHEN 'gene' THEN amprenta.amprenta_normalize_gene(n)
              WHEN 'protein' THEN amprenta.amprenta_normalize_protein(n)
              WHEN 'metabolite' THEN amprenta.amprenta_normalize_metabolite(n)
              WHEN 'lipid' THEN amprenta.amprenta_normalize_lipid(n) END AS direct
  FROM (VALUES ('gene'::amprenta.feature_type, 'tp53'), ('protein', 'P04637-2'),
               ('metabolite', 'L-Glutamate'), ('lipid', 'TG 16:0_18:1_18:2')) v (t, n);

SELECT n, amprenta.amprenta_infer_feature_type(n)
  FROM (VALUES ('PC 34:1'), ('P04637'), ('ENSG00000141510'), ('HMDB0000122'), ('TP53'), ('???')) v (n);

SELECT * FROM amprenta.amprenta_normalize_explain('PC 34:1');
SELECT feature_type, normalized, status FROM amprenta.amprenta_normalize_explain('REV__P04637', 'protein');
SELECT feature_type, normalized, status FROM amprenta.amprenta_normalize_explain('1-Sep', 'gene');
SELECT feature_type, normalized, status, reason IS NOT NULL AS has_reason FROM amprenta.amprenta_normalize_explain('???');

-- Declared IMMUTABLE PARALLEL SAFE (usable in indexes and parallel plans),
-- STRICT except amprenta_normalize_lipid, whose NULL level has a meaning.
SELECT proname, provolatile, proparallel, proisstrict
  FROM pg_proc
 WHERE pronamespace = 'amprenta'::regnamespace
   AND (proname LIKE 'amprenta\_normalize\_%' OR proname = 'amprenta_infer_feature_type')
 ORDER BY proname;
