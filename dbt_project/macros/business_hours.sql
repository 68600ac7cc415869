{#- Business hours (SPEC.md, "Business hours and SLA"). -#}

{#- Seconds after local midnight of an `HH:MM` text (`24:00` gives 86400). -#}
{% macro time_of_day_seconds(hh_mm) -%}
    (cast(substr({{ hh_mm }}, 1, 2) as integer) * 3600
        + cast(substr({{ hh_mm }}, 4, 2) as integer) * 60)
{%- endmacro %}

{#- ISO weekday of a date: 1 = Monday .. 7 = Sunday. -#}
{% macro iso_weekday(date_expression) -%}
    {{ return(adapter.dispatch('iso_weekday', 'ticketflow')(date_expression)) }}
{%- endmacro %}

{% macro default__iso_weekday(date_expression) -%}
    cast(extract(isodow from {{ date_expression }}) as integer)
{%- endmacro %}

{% macro spark__iso_weekday(date_expression) -%}
    cast(extract(dow_iso from {{ date_expression }}) as int)
{%- endmacro %}

{#- A query of the engine's time zone names (column `time_zone`). -#}
{% macro known_time_zones() -%}
    {{ return(adapter.dispatch('known_time_zones', 'ticketflow')()) }}
{%- endmacro %}

{% macro default__known_time_zones() -%}
    select name as time_zone from pg_timezone_names()
{%- endmacro %}

{% macro spark__known_time_zones() -%}
    {#- Spark lists no zones in SQL: the IANA names of the zone database dbt's Python has
        (pytz), which Spark's Java knows too. -#}
    select explode(array(
        {%- for name in modules.pytz.all_timezones %}'{{ name }}'{{ ', ' if not loop.last }}{% endfor -%}
    )) as time_zone
{%- endmacro %}

{#- `seconds` clamped to [0, `upper`]. -#}
{% macro clamp_seconds(seconds, upper) -%}
    greatest(0, least({{ seconds }}, {{ upper }}))
{%- endmacro %}

{#- True when `column` is a local time `HH:MM` from 00:00 to 24:00 (character checks only:
    the test that uses it runs before anything casts the text). -#}
{% macro is_hh_mm(column) -%}
    (
        length({{ column }}) = 5
        and substr({{ column }}, 3, 1) = ':'
        and substr({{ column }}, 1, 1) between '0' and '2'
        and substr({{ column }}, 2, 1) between '0' and '9'
        and substr({{ column }}, 4, 1) between '0' and '5'
        and substr({{ column }}, 5, 1) between '0' and '9'
        and (
            substr({{ column }}, 1, 2) < '24'
            or {{ column }} = '24:00'
        )
    )
{%- endmacro %}

{#- Business seconds from the ticket's creation to the instant whose clock reading is
    `reading` (see int_business_clock_readings); null for a ticket created before the
    exports, like seconds_from_creation. `at_creation` is the reading at creation. -#}
{% macro business_seconds_from_creation(
    reading, at_creation='milestone_clocks.clock_at_creation', tickets='tickets'
) -%}
    case
        when {{ tickets }}.is_created_in_window
            then {{ reading }} - {{ at_creation }}
    end
{%- endmacro %}

{#- An SLA status: `breached` once the elapsed clock passes the target (done or not), else
    `met` when done, else `pending`; null without a clock. -#}
{% macro sla_status(elapsed_seconds, target_seconds, is_done) -%}
    case
        when {{ elapsed_seconds }} is null or {{ target_seconds }} is null then null
        when {{ elapsed_seconds }} > {{ target_seconds }} then 'breached'
        when {{ is_done }} then 'met'
        else 'pending'
    end
{%- endmacro %}
