{#- Spark has no `varchar` without a length and no `json`: the project's contracts and casts
    name them (as DuckDB and Postgres do); on Spark both are `string`. Overrides dbt's
    `cast` for Spark (dbt looks in the root project first), which the contracts' empty-schema
    check uses too. -#}
{% macro spark__cast(field, type) -%}
    {%- set spark_type = {'varchar': 'string', 'json': 'string', 'text': 'string'}.get(
        type | string | trim | lower, type
    ) -%}
    cast({{ field }} as {{ spark_type }})
{%- endmacro %}

{#- dbt-spark's seed loader (session mode) binds an empty cell as the text 'None', so an
    empty text cell would become 'None' on Spark and null elsewhere. The same loader, with an
    empty cell written as null. -#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set batch_size = get_batch_size() -%}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(batch_size) -%}
        {%- set bindings = [] -%}
        {%- for row in chunk -%}
            {%- do bindings.extend(row | reject('none') | list) -%}
        {%- endfor -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for col_name in agate_table.column_names -%}
                    {%- set type = column_override.get(
                        col_name, adapter.convert_type(agate_table, loop.index0)
                    ) -%}
                    {%- if row[loop.index0] is none -%}
                        cast(null as {{ type }})
                    {%- else -%}
                        cast({{ get_binding_char() }} as {{ type }})
                    {%- endif -%}
                    {%- if not loop.last %},{% endif -%}
                {%- endfor -%})
                {%- if not loop.last %},{% endif %}
            {% endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, bindings=bindings, abridge_sql_log=True) -%}
        {%- if loop.index0 == 0 -%}
            {%- do statements.append(sql) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{% endmacro %}
