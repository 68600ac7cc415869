{#- The account's own days (SPEC.md, "Accounts and the account's own days"). Timestamps are
    stored as UTC without a zone; the var `account_time_zone` (an IANA name, default UTC)
    names the zone whose dates the daily summary counts in. DST-correct through the engine's
    time zone database (ICU on DuckDB). -#}

{#- The var as a SQL string literal (quotes doubled, so a hostile value stays a string). -#}
{% macro account_time_zone() -%}
    {{ return("'" ~ (var('account_time_zone', 'UTC') | string | trim | replace("'", "''")) ~ "'") }}
{%- endmacro %}

{#- The account-local date of a UTC timestamp. -#}
{% macro local_date(utc_timestamp) -%}
    {{ return(adapter.dispatch('local_date', 'ticketflow')(utc_timestamp)) }}
{%- endmacro %}

{% macro default__local_date(utc_timestamp) -%}
    cast(({{ utc_timestamp }} at time zone 'UTC') at time zone {{ account_time_zone() }} as date)
{%- endmacro %}

{% macro spark__local_date(utc_timestamp) -%}
    cast(from_utc_timestamp({{ utc_timestamp }}, {{ account_time_zone() }}) as date)
{%- endmacro %}

{#- The UTC instant (timestamp without zone) at which an account-local date begins. -#}
{% macro local_midnight_utc(local_date_expression) -%}
    {{ return(adapter.dispatch('local_midnight_utc', 'ticketflow')(local_date_expression)) }}
{%- endmacro %}

{% macro default__local_midnight_utc(local_date_expression) -%}
    cast(
        (cast({{ local_date_expression }} as {{ dbt.type_timestamp() }})
            at time zone {{ account_time_zone() }}) at time zone 'UTC'
        as {{ dbt.type_timestamp() }}
    )
{%- endmacro %}

{% macro spark__local_midnight_utc(local_date_expression) -%}
    to_utc_timestamp(cast({{ local_date_expression }} as timestamp), {{ account_time_zone() }})
{%- endmacro %}
