{#- One row per date (column `summary_date`) from `start_date` to `end_date`
    inclusive; both are date expressions over the relation `source_relation` (one row). -#}
{% macro day_spine(start_date, end_date, source_relation) -%}
    {{ return(adapter.dispatch('day_spine', 'ticketflow')(start_date, end_date, source_relation)) }}
{%- endmacro %}

{% macro default__day_spine(start_date, end_date, source_relation) -%}
    select cast(day_start as date) as summary_date
    from {{ source_relation }}
    cross join lateral generate_series(
        cast({{ start_date }} as timestamp),
        cast({{ end_date }} as timestamp),
        interval '1 day'
    ) as days (day_start)
{%- endmacro %}

{% macro duckdb__day_spine(start_date, end_date, source_relation) -%}
    select cast(unnest(generate_series(
        cast({{ start_date }} as timestamp),
        cast({{ end_date }} as timestamp),
        interval 1 day
    )) as date) as summary_date
    from {{ source_relation }}
{%- endmacro %}

{% macro spark__day_spine(start_date, end_date, source_relation) -%}
    select explode(sequence(
        cast({{ start_date }} as date), cast({{ end_date }} as date), interval 1 day
    )) as summary_date
    from {{ source_relation }}
{%- endmacro %}
