//! Use cases on the user's file before anything is sent: preview ("what we understood"),
//! column mapping (remembered per header signature), CRM status values, and validation or
//! preparation run locally. The CLI's `validate` and `prepare` are these functions.
//!
//! Owns the translation between boundary DTOs and mb-import's types. Heavy work runs on a
//! blocking thread; progress and cancellation come from the caller.

use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use mb_import::attributes::CounterAttribute;
use mb_import::mapping::{self, FieldSource as ImpSource, Mapping};
use mb_import::pipeline::{self, Progress as ImpProgress};
use mb_import::read::{self, ReadOptions};
use mb_import::report::{Report, Severity as ImpSeverity};
use mb_import::validate::ValidateOptions;
use mb_import::write::OutputSpec;
use mb_schema::UploadKind;

use crate::config::file_name;
use crate::dto::{
    self, AppError, ColumnMapping, CounterAttributeDto, FieldMapping, FieldSource, FileInfo,
    FilePreview, IssueCount, PreviewRow, ReadOverrides, StatusValue, ValidationSummary,
};
use crate::error::{Result, import_error, read_error};

/// Rows shown in the preview table.
pub const PREVIEW_ROWS: usize = 200;

/// A CLI-level job: everything `mbridge validate|prepare` needs, no account required.
#[derive(Debug, Clone)]
pub struct LocalJob {
    pub path: PathBuf,
    pub read: ReadOptions,
    /// None = detect from the header.
    pub kind: Option<UploadKind>,
    /// A saved template; else automatic matching.
    pub mapping: Option<Mapping>,
    /// `FIELD=VALUE` constants for missing columns.
    pub constants: Vec<(String, String)>,
    /// `WORD=CODE` currencies written as words (`Mapping::currency_names`).
    pub currency_names: Vec<(String, String)>,
    pub options: ValidateOptions,
}

pub fn read_options(o: &ReadOverrides) -> Result<ReadOptions> {
    let delimiter = match o.delimiter.as_deref() {
        None | Some("") => None,
        Some(d) => Some(parse_delimiter(d)?),
    };
    Ok(ReadOptions {
        encoding: o.encoding.clone().filter(|e| !e.is_empty()),
        delimiter,
        header_line: o.header_line.map(u64::from),
        sheet: o.sheet.clone().filter(|s| !s.is_empty()),
    })
}

/// `,` `;` `|`, `tab` or `\t`.
pub fn parse_delimiter(d: &str) -> Result<u8> {
    match d {
        "tab" | "\\t" | "\t" | "TAB" => Ok(b'\t'),
        s if s.len() == 1 && matches!(s, "," | ";" | "|") => Ok(s.as_bytes()[0]),
        other => Err(AppError::InvalidInput {
            field: "delimiter".into(),
            reason: other.into(),
        }),
    }
}

fn delimiter_name(c: char) -> String {
    if c == '\t' {
        "tab".into()
    } else {
        c.to_string()
    }
}

fn format_name(f: read::SourceFormat) -> String {
    serde_json::to_value(f)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The first rows and what the reader understood; fast on any size (reads a prefix only).
pub fn inspect_file(path: &Path, overrides: &ReadOverrides) -> Result<FilePreview> {
    let name = file_name(path);
    let opts = read_options(overrides)?;
    let p = read::preview(path, &opts, PREVIEW_ROWS).map_err(|e| read_error(&name, &e))?;
    let detected = mapping::detect_kind(&p.info.headers);
    Ok(FilePreview {
        info: file_info(path, &p.info),
        rows: p
            .rows
            .into_iter()
            .zip(p.kinds)
            .map(|((line, _, cells), kinds)| PreviewRow {
                line: line as u32,
                cells,
                kinds,
            })
            .collect(),
        unreadable: p
            .malformed
            .iter()
            .map(|m| dto::UnreadableLine {
                line: m.line as u32,
                code: mb_import::pipeline::malformed_code(m.kind),
            })
            .collect(),
        truncated: p.truncated,
        detected_kind: detected.map(|(k, _)| k),
        kind_confidence: detected.map_or(0.0, |(_, c)| c),
    })
}

fn file_info(path: &Path, i: &read::SourceInfo) -> FileInfo {
    FileInfo {
        path: path.display().to_string(),
        file_name: file_name(path),
        size: i.file_size,
        format: format_name(i.format),
        encoding: i.encoding.clone(),
        encoding_detected: i.encoding_detected,
        delimiter: i.delimiter.map(delimiter_name),
        header_line: i.header_line as u32,
        headers: i.headers.clone(),
        sheets: i.sheets.clone(),
        sheet: i.sheet.clone(),
    }
}

/// Headers of the file as read with `opts`.
pub fn headers(path: &Path, opts: &ReadOptions) -> Result<Vec<String>> {
    let src = read::open(path, opts).map_err(|e| read_error(&file_name(path), &e))?;
    Ok(src.info().headers.clone())
}

/// A remembered template for this header (from the store) or automatic matching.
pub fn mapping_for(
    store: Option<&mb_history::Store>,
    kind: UploadKind,
    headers: &[String],
) -> Result<(Mapping, bool)> {
    let signature = mapping::header_signature(headers);
    if let Some(store) = store
        && let Some(t) = store.template_for(kind, &signature)?
        && let Ok(m) = serde_json::from_value::<Mapping>(t.body.clone())
        && m.fits(headers)
    {
        let _ = store.touch_template(t.id);
        return Ok((m, true));
    }
    Ok((mapping::suggested(kind, headers), false))
}

/// The boundary view of a mapping: every field of the kind, with its source or none.
/// Mapped counter attributes (contacts) follow the documented fields, with their titles.
pub fn mapping_dto(
    m: &Mapping,
    headers: &[String],
    from_template: bool,
    attributes: &[CounterAttribute],
) -> ColumnMapping {
    let source = |name: &str| match m.fields.get(name) {
        Some(ImpSource::Column {
            index,
            header,
            confidence,
        }) => FieldSource::Column {
            index: *index as u32,
            header: header.clone(),
            confidence: *confidence,
        },
        Some(ImpSource::Constant { value }) => FieldSource::Constant {
            value: value.clone(),
        },
        None => FieldSource::None,
    };
    let mut fields: Vec<FieldMapping> = m
        .kind
        .fields()
        .iter()
        .map(|f| FieldMapping {
            field: f.name.to_string(),
            requirement: f.requirement,
            format: f.format,
            source: source(f.name),
            attribute_title: None,
        })
        .collect();
    for name in mb_import::attributes::mapped_attribute_names(m) {
        let title = attributes
            .iter()
            .find(|a| a.name == name)
            .map_or_else(|| name.clone(), attribute_title);
        fields.push(FieldMapping {
            source: source(&name),
            field: name,
            requirement: mb_schema::Requirement::Optional,
            format: mb_schema::FieldFormat::Text,
            attribute_title: Some(title),
        });
    }
    ColumnMapping {
        kind: m.kind,
        fields,
        unmapped_columns: crate::dto::unmapped_columns(m, headers),
        from_template,
        signature: m.signature.clone(),
        currency_names: m.currency_names.clone(),
        attributes: attributes
            .iter()
            .map(|a| CounterAttributeDto {
                name: a.name.clone(),
                title: attribute_title(a),
                type_name: a.type_name.clone(),
            })
            .collect(),
    }
}

fn attribute_title(a: &CounterAttribute) -> String {
    if a.humanized.trim().is_empty() {
        a.name.clone()
    } else {
        a.humanized.clone()
    }
}

/// What keeps `c` from being checked, by the rule validation applies (a blank value is no
/// value): required fields with nothing mapped, and a missing visitor identifier.
pub fn mapping_problems(c: &ColumnMapping) -> Result<Vec<crate::dto::MappingProblem>> {
    use crate::dto::{MappingProblem, MappingProblemCode};
    // The columns as the mapping names them (the file's header is not read for this).
    let mut headers: Vec<String> = Vec::new();
    for f in &c.fields {
        if let FieldSource::Column { index, header, .. } = &f.source {
            let i = *index as usize;
            if headers.len() <= i {
                headers.resize(i + 1, String::new());
            }
            headers[i] = header.clone();
        }
    }
    let m = mapping_from_dto(c, &headers)?;
    Ok(m.missing_required()
        .into_iter()
        .map(|f| {
            if f == mb_import::mapping::ANY_IDENTIFIER {
                MappingProblem {
                    code: MappingProblemCode::Identifier,
                    field: None,
                }
            } else {
                MappingProblem {
                    code: MappingProblemCode::Required,
                    field: Some(f.to_string()),
                }
            }
        })
        .collect())
}

/// [`mapping_problems`], and the columns of `headers` (the file's, as its preview read them) that
/// no field of `c` reads: the Columns step's answer after each change.
pub fn check_mapping(c: &ColumnMapping, headers: &[String]) -> Result<crate::dto::MappingCheck> {
    let problems = mapping_problems(c)?;
    let m = mapping_from_dto(c, headers)?;
    Ok(crate::dto::MappingCheck {
        problems,
        unmapped_columns: crate::dto::unmapped_columns(&m, headers),
    })
}

/// Back from the boundary view, checking the column indexes against the file's header.
pub fn mapping_from_dto(c: &ColumnMapping, headers: &[String]) -> Result<Mapping> {
    let kind: UploadKind = c.kind;
    let mut m = Mapping::new(kind, headers);
    let names: Vec<(String, String)> = c
        .currency_names
        .iter()
        .map(|(w, c)| (w.clone(), c.clone()))
        .collect();
    name_currencies(&mut m, &names)?;
    for f in &c.fields {
        match &f.source {
            FieldSource::Column {
                index,
                header,
                confidence,
            } => {
                let i = *index as usize;
                let actual = headers.get(i).ok_or_else(|| AppError::InvalidInput {
                    field: f.field.clone(),
                    reason: format!("column {} does not exist", i + 1),
                })?;
                if actual != header {
                    return Err(AppError::InvalidInput {
                        field: f.field.clone(),
                        reason: format!("column {} is `{actual}`, not `{header}`", i + 1),
                    });
                }
                m.fields.insert(
                    f.field.clone(),
                    ImpSource::Column {
                        index: i,
                        header: header.clone(),
                        confidence: *confidence,
                    },
                );
            }
            FieldSource::Constant { value } if !value.trim().is_empty() => {
                m.set_constant(&f.field, value.trim());
            }
            _ => {}
        }
    }
    Ok(m)
}

/// The distinct values of the status column with counts and suggestions.
pub fn status_values(path: &Path, opts: &ReadOptions, m: &Mapping) -> Result<Vec<StatusValue>> {
    let name = file_name(path);
    let mut src = read::open(path, opts).map_err(|e| read_error(&name, &e))?;
    let values =
        mb_import::status::distinct_statuses(src.as_mut(), m).map_err(|e| read_error(&name, &e))?;
    Ok(values
        .into_iter()
        .map(|v| {
            // «Другое» sends a simple order's value as one of the counter's goal identifiers:
            // a guess only for a value written like one (`good_lead`), never for a word the
            // wording says nothing about («Отгружен»: «В работе», the order counted and
            // nothing more, marked «проверьте» as every guess is).
            let (suggested, confidence) = match (m.kind, v.suggested) {
                (UploadKind::SimpleOrders, dto::OrderStatusType::Other)
                    if !written_like_a_goal_id(&v.value) =>
                {
                    (dto::OrderStatusType::InProgress, v.confidence.min(0.2))
                }
                (_, t) => (t, v.confidence),
            };
            StatusValue {
                value: v.value,
                count: v.count.min(u64::from(u32::MAX)) as u32,
                suggested_type: suggested,
                suggested_id: v.suggested_id,
                guessed: confidence < mb_import::status::SURE_FROM,
                confidence,
            }
        })
        .collect())
}

/// A value written as goal identifiers usually are (Latin letters, digits, `_ - . :`), not a
/// word of a CRM's.
fn written_like_a_goal_id(v: &str) -> bool {
    let v = v.trim();
    v.chars().any(|c| c.is_ascii_alphabetic())
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.:".contains(c))
}

/// What the validator sends for a CRM value: for simple orders the status type itself (or a
/// goal id for OTHER), for detailed orders the mapped Latin status id.
pub fn status_map_for(
    kind: UploadKind,
    entries: &[dto::StatusMapEntry],
) -> BTreeMap<String, String> {
    entries
        .iter()
        .map(|e| {
            let target = if kind == UploadKind::Orders {
                e.status_id.clone()
            } else if e.status_type == dto::OrderStatusType::Other {
                e.goal_ids
                    .first()
                    .cloned()
                    .unwrap_or_else(|| e.status_id.clone())
            } else {
                e.status_type.as_str().to_string()
            };
            (e.value.clone(), target)
        })
        .collect()
}

/// Resolves the job's kind and mapping against the file's header.
pub fn resolve(
    job: &LocalJob,
    store: Option<&mb_history::Store>,
) -> Result<(Mapping, Vec<String>)> {
    let headers = headers(&job.path, &job.read)?;
    let kind = match job.kind {
        Some(k) => k,
        None => mapping::detect_kind(&headers)
            .map(|(k, _)| k)
            .ok_or_else(|| AppError::InvalidInput {
                field: "kind".into(),
                reason: "undetected".into(),
            })?,
    };
    let mut m = match &job.mapping {
        // A template given for this file (`--mapping`) is saved after the send under this
        // file's header, so that the next file with it (and `validate`) finds it.
        Some(m) if m.kind == kind => Mapping {
            signature: mapping::header_signature(&headers),
            ..m.clone()
        },
        Some(_) => {
            return Err(AppError::InvalidInput {
                field: "mapping".into(),
                reason: "template is for another kind".into(),
            });
        }
        None => mapping_for(store, kind, &headers)?.0,
    };
    for (field, value) in &job.constants {
        if kind.field(field).is_none() {
            return Err(AppError::InvalidInput {
                field: field.clone(),
                reason: "unknown field".into(),
            });
        }
        m.set_constant(field, value);
    }
    name_currencies(&mut m, &job.currency_names)?;
    Ok((m, headers))
}

/// Adds `WORD=CODE` currency names to a mapping (`--currency 'руб.=RUB'`); a code must be an
/// ISO 4217 code Metrica knows.
pub fn name_currencies(m: &mut Mapping, names: &[(String, String)]) -> Result<()> {
    for (word, code) in names {
        let code = code.trim().to_uppercase();
        if !mb_schema::is_iso_4217(&code) || word.trim().is_empty() {
            return Err(AppError::InvalidInput {
                field: "currency".into(),
                reason: format!("{word}={code}"),
            });
        }
        m.currency_names.insert(word.trim().to_string(), code);
    }
    Ok(())
}

/// Where a check before sending writes its rejected-rows file, so the Check screen can offer
/// it: `checks/<stamp>/rejected-rows.csv` in the data folder. Earlier checks' files are
/// removed (the screen shows the latest check only). `None` when the folder cannot be made:
/// the check then runs without the file.
pub fn check_output(root: &Path) -> Option<OutputSpec> {
    let checks = root.join("checks");
    if let Ok(old) = std::fs::read_dir(&checks) {
        for e in old.flatten() {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let dir = checks.join(format!("{stamp}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    Some(OutputSpec::rejected_only(dir.join("rejected-rows.csv")))
}

/// The rejected-rows file next to an upload's prepared file, while it exists.
pub fn rejected_beside_prepared(prepared: &Path) -> Option<PathBuf> {
    let p = prepared.parent()?.join("rejected-rows.csv");
    p.exists().then_some(p)
}

/// Validates (and with `output`, writes) the file. Blocking: call from a blocking thread.
pub fn run(
    path: &Path,
    read: &ReadOptions,
    m: &Mapping,
    options: &ValidateOptions,
    output: Option<&OutputSpec>,
    progress: &mut dyn FnMut(ImpProgress) -> ControlFlow<()>,
) -> Result<Report> {
    let name = file_name(path);
    let mut src = read::open(path, read).map_err(|e| read_error(&name, &e))?;
    pipeline::prepare(src.as_mut(), m, options, output, progress)
        .map_err(|e| import_error(&name, e))
}

/// `mbridge validate` / `prepare`: resolve the mapping, then run.
/// The history of the data folder (`None`: the default one), for reading saved templates
/// offline: none is created, and none of another build is migrated under the app that uses it.
pub enum ExistingHistory {
    /// At this build's schema: its templates are read.
    Current(mb_history::Store),
    /// No history there yet (the automatic mapping is used, nothing to say).
    Absent,
    /// Written by another build of the app (not yet started after an upgrade, or newer than
    /// this `mbridge`): its templates are not read, and the caller says so.
    OtherVersion,
    /// There, but it cannot be opened (damaged, a folder that cannot be written): its
    /// templates are not read, and the caller says where and why.
    Unreadable { path: PathBuf, reason: String },
}

impl ExistingHistory {
    pub fn store(&self) -> Option<&mb_history::Store> {
        match self {
            ExistingHistory::Current(s) => Some(s),
            _ => None,
        }
    }
}

pub fn existing_history(data_dir: Option<&Path>) -> ExistingHistory {
    let root = data_dir.map_or_else(crate::config::default_data_dir, Path::to_path_buf);
    let db = crate::config::DataPaths::new(root).database();
    if !db.is_file() {
        return ExistingHistory::Absent;
    }
    let unreadable = |e: mb_history::Error| {
        tracing::warn!(error = %e, "history not opened for its templates");
        ExistingHistory::Unreadable {
            path: db.clone(),
            reason: e.to_string(),
        }
    };
    match mb_history::Store::file_schema_version(&db) {
        Ok(v) if v == mb_history::LATEST_VERSION => {}
        Ok(_) => return ExistingHistory::OtherVersion,
        Err(e) => return unreadable(e),
    }
    mb_history::Store::open(&db).map_or_else(unreadable, ExistingHistory::Current)
}

/// `store`: the app's history, whose saved column templates win over the automatic mapping as
/// they do for `upload` (so `validate` and `upload` of one file read its columns alike).
pub fn run_local(
    job: &LocalJob,
    output: Option<&OutputSpec>,
    store: Option<&mb_history::Store>,
) -> Result<Report> {
    let (m, _) = resolve(job, store)?;
    // The file the user named is created first: a folder that is not there (or a folder
    // given for a file, which Windows reports as a denied write) is said with its path, before
    // the file is read. Made here and the run failed: not left behind empty.
    let mut made = None;
    if let Some(out) = output {
        if out.path.is_dir() {
            let e = std::io::Error::from(std::io::ErrorKind::IsADirectory);
            return Err(crate::error::unwritable(&out.path, &e));
        }
        let existed = out.path.exists();
        std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .open(&out.path)
            .map_err(|e| crate::error::unwritable(&out.path, &e))?;
        made = (!existed).then_some(&out.path);
    }
    let report = run(
        &job.path,
        &job.read,
        &m,
        &job.options,
        output,
        &mut pipeline::no_progress(),
    );
    if let (Err(_), Some(path)) = (&report, made) {
        let _ = std::fs::remove_file(path);
    }
    report
}

/// The boundary view of a report.
pub fn summary(r: &Report) -> ValidationSummary {
    let total = |s: ImpSeverity| r.total(s) as u32;
    ValidationSummary {
        rows: r.rows as u32,
        valid_rows: r.valid_rows as u32,
        errors: total(ImpSeverity::Error),
        warnings: total(ImpSeverity::Warning),
        notices: total(ImpSeverity::Notice),
        issues: r
            .issues
            .iter()
            .map(|i| dto::Issue {
                line: i.line as u32,
                record: i.record as u32,
                place: r.place_of(i),
                column: i.column.clone(),
                code: i.code,
                severity: i.severity,
                value: (!i.value.is_empty()).then(|| i.value.clone()),
                fix: i.fix.clone(),
                shown: i.shown.clone(),
                said: (!i.value.is_empty()).then(|| mb_import::human::said(i)),
                value_type: value_type(r.kind, i.column.as_deref()),
            })
            .collect(),
        counts: r
            .counts
            .iter()
            .map(|c| IssueCount {
                code: c.code,
                column: c.column.clone(),
                severity: c.severity,
                count: c.count.min(u64::from(u32::MAX)) as u32,
                in_file: c.in_file,
                examples: c
                    .examples
                    .iter()
                    .map(|e| dto::IssueExample {
                        line: e.line as u32,
                        value: (!e.value.is_empty()).then(|| e.value.clone()),
                        fix: e.fix.clone(),
                        shown: e.shown.clone(),
                    })
                    .collect(),
                value_type: value_type(r.kind, c.column.as_deref()),
            })
            .collect(),
        truncated: r.truncated_issues,
        unchanged_rows: 0,
        known_rows: 0,
        new_rows: r.valid_rows as u32,
        changed_rows: 0,
        corrected_rows: 0,
        outdated_rows: 0,
        duplicate_of: None,
        duplicate_cut_off: false,
        rejected_path: r.rejected_path.as_ref().map(|p| p.display().to_string()),
        currency_offer: r.currency_offer.as_ref().map(|o| dto::CurrencyOffer {
            field: o.field.clone(),
            code: o.code.clone(),
            values: o.values.clone(),
            rows: o.rows.min(u64::from(u32::MAX)) as u32,
        }),
        send_block: r.send_block(),
        window_opens_on: None,
        cut_off_unsettled: None,
        // The file's own stops; the check for a counter adds the counter's and the history's.
        gate: crate::gate::SendGate::of(&crate::gate::GateFacts {
            can_upload: true,
            send_block: r.send_block(),
            valid_rows: r.valid_rows as u32,
            new_rows: r.valid_rows as u32,
            ..Default::default()
        }),
        headers: r
            .mapping
            .iter()
            .filter(|(_, h)| !h.starts_with('='))
            .map(|(f, h)| (f.clone(), h.clone()))
            .collect(),
    }
}

/// What the values of a Metrica field are, for showing them to a person.
fn value_type(kind: mb_schema::UploadKind, column: Option<&str>) -> Option<dto::ValueType> {
    use mb_schema::FieldFormat as F;
    match kind.field(column?)?.format {
        F::UnixSeconds | F::CrmDateTime | F::Date => Some(dto::ValueType::DateTime),
        F::Money => Some(dto::ValueType::Money),
        F::OrderStatus => Some(dto::ValueType::Status),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::mapping_problems;
    use crate::dto::{ColumnMapping, MappingProblem, MappingProblemCode};

    /// A conversions mapping with the given sources (a JSON object per field).
    fn conversions(fields: serde_json::Value) -> ColumnMapping {
        serde_json::from_value(serde_json::json!({
            "kind": "conversions", "fields": fields, "unmapped_columns": [],
            "from_template": false, "signature": "",
        }))
        .unwrap()
    }

    fn field(name: &str, requirement: &str, source: serde_json::Value) -> serde_json::Value {
        serde_json::json!({"field": name, "requirement": requirement, "source": source})
    }

    /// File-level issues (record 0) are placed by their line: the header line (here line 3,
    /// under a title), no line (the whole file or column), or a broken line of the file.
    #[test]
    fn file_level_issues_are_placed_at_the_header_the_file_or_their_line() {
        use crate::dto::IssuePlace;
        let issue = |line: u64, record: u64, code: &str| {
            serde_json::json!({"line": line, "record": record, "column": null, "code": code,
                "severity": "error", "value": "", "fix": null})
        };
        let report: mb_import::Report = serde_json::from_value(serde_json::json!({
            "kind": "conversions", "encoding": "UTF-8", "delimiter": ";",
            "delimiter_type": "SEMICOLON", "header_line": 3, "file_errors": 3, "rows": 4,
            "valid_rows": 3, "invalid_rows": 1, "mapping": {}, "unmapped_columns": [],
            "issues": [
                issue(0, 0, "excel_damaged_column"),
                issue(3, 0, "missing_required_column"),
                issue(5, 0, "too_many_fields"),
                issue(6, 3, "invalid_datetime"),
            ],
            "counts": [], "truncated_issues": false, "issue_spill_path": null,
            "identifier_summary": {}, "datetime_range": null, "outputs": [],
            "rejected_path": null, "skip_invalid": true,
        }))
        .unwrap();
        let s = super::summary(&report);
        let places: Vec<IssuePlace> = s.issues.iter().map(|i| i.place).collect();
        assert_eq!(
            places,
            [
                IssuePlace::File,
                IssuePlace::Header,
                IssuePlace::Line,
                IssuePlace::Line
            ]
        );
    }

    #[test]
    fn the_columns_step_is_blocked_by_the_rule_validation_applies() {
        let col = |i: u32, h: &str| serde_json::json!({"type": "column", "index": i, "header": h, "confidence": 1.0});
        let value = |v: &str| serde_json::json!({"type": "constant", "value": v});
        let none = serde_json::json!({"type": "none"});
        let ok = conversions(serde_json::json!([
            field("ClientId", "one_of_identifiers", col(0, "ClientId")),
            field("Target", "required", value("offline_paid")),
            field("DateTime", "required", col(2, "DateTime")),
        ]));
        assert_eq!(mapping_problems(&ok).unwrap(), vec![]);
        // A blank value is no value, for a required field and for an identifier alike (the
        // window's own copy of this rule let a blank identifier through to the check).
        let blank = conversions(serde_json::json!([
            field("ClientId", "one_of_identifiers", value("  ")),
            field("Target", "required", value(" ")),
            field("DateTime", "required", none),
        ]));
        let problems = mapping_problems(&blank).unwrap();
        let required = |f: &str| MappingProblem {
            code: MappingProblemCode::Required,
            field: Some(f.into()),
        };
        assert!(problems.contains(&required("Target")), "{problems:?}");
        assert!(problems.contains(&required("DateTime")), "{problems:?}");
        assert!(
            problems.contains(&MappingProblem {
                code: MappingProblemCode::Identifier,
                field: None
            }),
            "{problems:?}"
        );
    }

    /// The columns said under the mapping are the core's answer: by position, so a file with
    /// two columns of one name keeps the one no field reads, and blank headers are not named.
    #[test]
    fn the_columns_no_field_reads_are_the_cores_answer_by_position() {
        let col = |i: u32, h: &str| serde_json::json!({"type": "column", "index": i, "header": h, "confidence": 1.0});
        let headers: Vec<String> = ["ClientId", "Сумма", "DateTime", "Сумма", ""]
            .iter()
            .map(|h| h.to_string())
            .collect();
        let m = conversions(serde_json::json!([
            field("ClientId", "one_of_identifiers", col(0, "ClientId")),
            field(
                "Target",
                "required",
                serde_json::json!({"type": "constant", "value": "paid"})
            ),
            field("DateTime", "required", col(2, "DateTime")),
            field("Price", "optional", col(3, "Сумма")),
        ]));
        let answer = super::check_mapping(&m, &headers).unwrap();
        assert_eq!(answer.problems, vec![]);
        let said = |a: &crate::dto::MappingCheck| -> Vec<(u32, String)> {
            a.unmapped_columns
                .iter()
                .map(|c| (c.index, c.header.clone()))
                .collect()
        };
        assert_eq!(said(&answer), [(1, "Сумма".to_string())]);
        // Taking DateTime off its column names that column too, and the problem it makes.
        let off = conversions(serde_json::json!([
            field("ClientId", "one_of_identifiers", col(0, "ClientId")),
            field(
                "Target",
                "required",
                serde_json::json!({"type": "constant", "value": "paid"})
            ),
            field("DateTime", "required", serde_json::json!({"type": "none"})),
        ]));
        let answer = super::check_mapping(&off, &headers).unwrap();
        assert_eq!(
            said(&answer),
            [
                (1, "Сумма".to_string()),
                (2, "DateTime".to_string()),
                (3, "Сумма".to_string())
            ]
        );
        assert_eq!(answer.problems.len(), 1, "{:?}", answer.problems);
    }
}
