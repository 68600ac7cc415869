{#- The account's own days (SPEC.md, "Accounts and the account's own days"). Timestamps are
    stored as UTC without a zone; the var `account_time_zone` (an IANA name, default UTC)
    names the zone whose dates the daily summary counts in. DST-correct through the engine's
    time zone database (ICU on DuckDB). -#}

{#- The var as a SQL string literal (quotes doubled, so a hostile value stays a string). -#}
{% macro account_time_zone() -%}
    {{ return("'" ~ (var('account_time_zone', 'UTC') | string | trim | replace("'", "''")) ~ "'") }}
{%- endmacro %}

{#- The local date of a UTC timestamp in `time_zone` (a SQL expression: a column or a
    literal; default the account time zone). -#}
{% macro local_date(utc_timestamp, time_zone=none) -%}
    {{ return(adapter.dispatch('local_date', 'ticketflow')(
        utc_timestamp, time_zone or account_time_zone()
    )) }}
{%- endmacro %}

{% macro default__local_date(utc_timestamp, time_zone) -%}
    cast(({{ utc_timestamp }} at time zone 'UTC') at time zone {{ time_zone }} as date)
{%- endmacro %}

{% macro duckdb__local_date(utc_timestamp, time_zone) -%}
    {#- ICU converts row by row (two conversions each); in UTC, the zone of the default
        calendar and account, the local date is the UTC date, so those rows skip ICU. -#}
    case
        when {{ time_zone }} = 'UTC' then cast({{ utc_timestamp }} as date)
        else {{ default__local_date(utc_timestamp, time_zone) }}
    end
{%- endmacro %}

{#- The UTC instant (timestamp without zone) of a wall-clock time in `time_zone` (a SQL
    expression), with the offset in force at that wall time. -#}
{% macro local_to_utc(local_timestamp, time_zone) -%}
    {{ return(adapter.dispatch('local_to_utc', 'ticketflow')(local_timestamp, time_zone)) }}
{%- endmacro %}

{% macro default__local_to_utc(local_timestamp, time_zone) -%}
    cast(
        (cast({{ local_timestamp }} as {{ dbt.type_timestamp() }}) at time zone {{ time_zone }})
            at time zone 'UTC'
        as {{ dbt.type_timestamp() }}
    )
{%- endmacro %}

{% macro spark__local_date(utc_timestamp, time_zone) -%}
    cast(from_utc_timestamp({{ utc_timestamp }}, {{ time_zone }}) as date)
{%- endmacro %}

{% macro spark__local_to_utc(local_timestamp, time_zone) -%}
    to_utc_timestamp(cast({{ local_timestamp }} as timestamp), {{ time_zone }})
{%- endmacro %}

{#- The UTC instant (timestamp without zone) at which an account-local date begins. -#}
{% macro local_midnight_utc(local_date_expression) -%}
    {{ return(adapter.dispatch('local_midnight_utc', 'ticketflow')(local_date_expression)) }}
{%- endmacro %}

{% macro default__local_midnight_utc(local_date_expression) -%}
    {{ local_to_utc(local_date_expression, account_time_zone()) }}
{%- endmacro %}
