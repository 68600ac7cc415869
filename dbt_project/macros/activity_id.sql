{#- The id of a unique activity (docs: activity_id) from its landed record's identity: md5
    of `record_hash-occurrence`. Stored in no intermediate table (32 characters a row): the
    models that show it compute it from raw columns, after their joins. -#}
{% macro activity_id(record_hash, occurrence) -%}
    {%- set occurrence_text = dbt.safe_cast(occurrence, api.Column.translate_type('string')) -%}
    {{ dbt.hash(dbt.concat([record_hash, "'-'", occurrence_text])) }}
{%- endmacro %}
