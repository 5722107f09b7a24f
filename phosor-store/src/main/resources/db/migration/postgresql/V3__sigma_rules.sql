-- Issue 8: rules imported from Sigma are stored as their Sigma YAML (format 'sigma').
ALTER TABLE rules DROP CONSTRAINT rules_format_check;
ALTER TABLE rules ADD CONSTRAINT rules_format_check CHECK (format IN ('json', 'yaml', 'sigma'));
