{#- Export time text ("31-05-2026 21:00:00 +0000", day first) to a UTC timestamp; null when
    unparseable. -#}
{% macro export_time_to_utc(text) -%}
    {{ return(adapter.dispatch('export_time_to_utc', 'ticketflow')(text)) }}
{%- endmacro %}

{% macro default__export_time_to_utc(text) -%}
    (to_timestamp({{ text }}, 'DD-MM-YYYY HH24:MI:SS TZHTZM') at time zone 'UTC')
{%- endmacro %}

{% macro duckdb__export_time_to_utc(text) -%}
    timezone('UTC', try_strptime({{ text }}, '%d-%m-%Y %H:%M:%S %z'))
{%- endmacro %}

{#- Export date text ("21 Apr, 2017") to a date; null when unparseable. -#}
{% macro export_date(text) -%}
    {{ return(adapter.dispatch('export_date', 'ticketflow')(text)) }}
{%- endmacro %}

{% macro default__export_date(text) -%}
    to_date({{ text }}, 'DD Mon, YYYY')
{%- endmacro %}

{% macro duckdb__export_date(text) -%}
    cast(try_strptime({{ text }}, '%d %b, %Y') as date)
{%- endmacro %}
