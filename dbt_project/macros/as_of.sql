{#- The `as_of` var as a timestamp literal, or none when unset. -#}
{% macro as_of_var() -%}
    {%- set as_of = var('as_of', none) -%}
    {%- if as_of is none or (as_of | string | trim) == '' -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return("cast('" ~ (as_of | string | trim) ~ "' as " ~ dbt.type_timestamp() ~ ")") }}
{%- endmacro %}
