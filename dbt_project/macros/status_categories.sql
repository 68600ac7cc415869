{#- The status categories in stage order, the one source of the list in dbt: each is a column
    of the metrics (`seconds_<category>`) and of the daily summary (`backlog_<category>`), so
    the list is needed at compile time. `is_solved=true/false` returns the solved or the
    unsolved ones. The seed `ticketflow_status_categories` carries the same categories with
    their stage order; `assert_status_category_seed_matches_macro` keeps the two equal. -#}
{% macro status_categories(is_solved=none) -%}
    {%- set categories = [
        {'name': 'open', 'is_solved': false},
        {'name': 'pending', 'is_solved': false},
        {'name': 'waiting_on_customer', 'is_solved': false},
        {'name': 'waiting_on_third_party', 'is_solved': false},
        {'name': 'resolved', 'is_solved': true},
        {'name': 'closed', 'is_solved': true},
        {'name': 'other', 'is_solved': false},
    ] -%}
    {{ return(
        categories
        | selectattr('is_solved', 'in', [is_solved] if is_solved is not none else [true, false])
        | map(attribute='name')
        | list
    ) }}
{%- endmacro %}
