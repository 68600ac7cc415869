{#- The `as_of` var as a timestamp literal, or none when unset. Only a time written
    `YYYY-MM-DD[ HH:MM:SS]` is taken (what ticketflow passes): the value is spliced into SQL,
    so anything else, a quote included, stops the compilation with one line. -#}
{% macro as_of_var() -%}
    {%- set as_of = var('as_of', none) -%}
    {%- if as_of is none or (as_of | string | trim) == '' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set text = as_of | string | trim -%}
    {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}:[0-9]{2})?', text) -%}
        {{ exceptions.raise_compiler_error(
            "var as_of " ~ text ~ " is not a time like 2026-04-28 06:00:00 (UTC)"
        ) }}
    {%- endif -%}
    {{ return("cast('" ~ text ~ "' as " ~ dbt.type_timestamp() ~ ")") }}
{%- endmacro %}

{#- A condition keeping what happened at or before the `as_of` var; `true` when it is unset. -#}
{% macro at_or_before_as_of(column) -%}
    {%- if as_of_var() is none -%}
        true
    {%- else -%}
        {{ column }} <= {{ as_of_var() }}
    {%- endif -%}
{%- endmacro %}
