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

{% macro postgres__export_time_to_utc(text) -%}
    {#- to_timestamp fails on text that is not a time: a guard gives null instead, as
        DuckDB's try_strptime does (the shape, then a real date and time of day). -#}
    case
        when {{ text }} ~ '^\d{1,2}-\d{1,2}-\d{4} \d{1,2}:\d{1,2}:\d{1,2} [+-]\d{4}$'
            then case
                {%- set day = "split_part(" ~ text ~ ", ' ', 1)" %}
                when {{ ticketflow.postgres__is_date(
                    "split_part(" ~ day ~ ", '-', 3)::int",
                    "split_part(" ~ day ~ ", '-', 2)::int",
                    "split_part(" ~ day ~ ", '-', 1)::int"
                ) }}
                    and split_part(split_part({{ text }}, ' ', 2), ':', 1)::int < 24
                    and split_part(split_part({{ text }}, ' ', 2), ':', 2)::int < 60
                    and split_part(split_part({{ text }}, ' ', 2), ':', 3)::int < 60
                    and substr(split_part({{ text }}, ' ', 3), 4, 2)::int < 60
                    then to_timestamp({{ text }}, 'DD-MM-YYYY HH24:MI:SS TZHTZM') at time zone 'UTC'
            end
    end
{%- endmacro %}

{% macro spark__export_time_to_utc(text) -%}
    {#- Session time zone UTC (profiles.yml): the instant read with its offset, as UTC. -#}
    cast(to_timestamp({{ text }}, 'd-M-yyyy H:m:s Z') as timestamp)
{%- endmacro %}

{#- Postgres: the integers year, month, day make a real date (guarded, never an error). -#}
{% macro postgres__is_date(year, month, day) -%}
    ({{ month }} between 1 and 12 and {{ day }} between 1 and extract(day from (
        make_date(greatest({{ year }}, 1), least(greatest({{ month }}, 1), 12), 1)
        + interval '1 month - 1 day'
    )) and {{ year }} between 1 and 9999)
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

{% macro postgres__export_date(text) -%}
    case
        when {{ text }} ~* '^\d{1,2} (jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec), \d{4}$'
            then case
                when {{ ticketflow.postgres__is_date(
                    "split_part(" ~ text ~ ", ' ', 3)::int",
                    "extract(month from to_date(split_part(" ~ text ~ ", ' ', 2), 'Mon'))::int",
                    "split_part(" ~ text ~ ", ' ', 1)::int"
                ) }}
                    then to_date({{ text }}, 'DD Mon, YYYY')
            end
    end
{%- endmacro %}

{% macro spark__export_date(text) -%}
    to_date({{ text }}, 'd MMM, yyyy')
{%- endmacro %}
